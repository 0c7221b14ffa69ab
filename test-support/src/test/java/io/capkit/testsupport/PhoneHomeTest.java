package io.capkit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guest-report endpoint on loopback: what cloud-init's phone_home and the marker POST send comes back parsed. */
class PhoneHomeTest {

  @Test
  void formPostsBecomeReportsWithPathFieldsAndSender() throws Exception {
    try (PhoneHome home = PhoneHome.listen(InetAddress.getLoopbackAddress())) {
      HttpClient http = HttpClient.newHttpClient();
      var response = http.send(HttpRequest.newBuilder(URI.create(home.baseUrl() + "/phone-home"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("instance_id=default%2Fabc&hostname=rb-1")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertEquals(200, response.statusCode());
      PhoneHome.Report r = home.await("/phone-home", x -> true, Duration.ofSeconds(5)).orElseThrow();
      assertEquals(Map.of("instance_id", "default/abc", "hostname", "rb-1"), r.fields());
      assertEquals("127.0.0.1", r.remoteAddress());
      assertTrue(home.await("/marker", x -> true, Duration.ofMillis(200)).isEmpty(), "nothing posted there");
    }
  }

  @Test
  void cloudConfigNamesTheEndpointAndRefusesMarkersThatWouldNeedQuoting() {
    try (PhoneHome home = PhoneHome.listen(InetAddress.getLoopbackAddress())) {
      String config = home.cloudConfig("capkit-1");
      assertTrue(config.startsWith("#cloud-config\n"), config);
      assertTrue(config.contains("url: \"" + home.baseUrl() + "/phone-home\""), config);
      assertTrue(config.contains("content: \"capkit-1\""), config);
      assertThrows(IllegalArgumentException.class, () -> home.cloudConfig("a'; reboot; '"));
    }
  }
}
