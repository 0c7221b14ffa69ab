package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

/** fabric8's token refresh is dropped only for client-certificate authentication with nothing to refresh. */
class ProviderClientTest {
  private static ConfigBuilder base() {
    return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443");
  }

  @Test
  void certificateAloneHasNothingToRefresh() {
    assertTrue(KvmProvider.certificateOnly(base().withClientCertData("Y2VydA==").withClientKeyData("a2V5").build()));
    assertTrue(KvmProvider.certificateOnly(base().withClientCertFile("/tmp/c.crt").withClientKeyFile("/tmp/c.key")
        .build()));
  }

  @Test
  void tokensPasswordsAndNoCertificateKeepTheRefresh() {
    assertFalse(KvmProvider.certificateOnly(base().build()));
    assertFalse(KvmProvider.certificateOnly(base().withOauthToken("t").build()));
    assertFalse(KvmProvider.certificateOnly(base().withClientCertData("Y2VydA==").withOauthToken("t").build()));
    assertFalse(KvmProvider.certificateOnly(base().withClientCertData("Y2VydA==").withAutoOAuthToken("sa").build()));
    assertFalse(KvmProvider.certificateOnly(base().withClientCertData("Y2VydA==").withUsername("u").withPassword("p")
        .build()));
    assertFalse(KvmProvider.certificateOnly(base().withClientCertData("Y2VydA==").withOauthTokenProvider(() -> "t")
        .build()));
  }
}
