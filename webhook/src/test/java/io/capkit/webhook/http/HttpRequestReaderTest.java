package io.capkit.webhook.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestReaderTest {
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  /** Delivers at most {@code step} bytes per read, as a socket may. */
  private HttpRequestReader reader(String wire, int step, int maxBody) {
    InputStream in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, step));
      }
    };
    return new HttpRequestReader(in, sent, maxBody);
  }

  @Test
  void readsPipelinedKeepAliveRequestsWhateverTheReadSizes() throws Exception {
    String wire = "POST /validate-cluster?timeout=10s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5\r\n\r\n{\"a\":GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n";
    for (int step : new int[] {1, 3, 7, 4096}) {
      HttpRequestReader r = reader(wire, step, 1024);
      assertTrue(r.awaitRequest());
      HttpRequest first = r.read();
      assertEquals("POST", first.method());
      assertEquals("/validate-cluster", first.path());
      assertEquals("application/json", first.header("content-type"));
      assertEquals("{\"a\":", new String(first.body(), StandardCharsets.UTF_8));
      assertTrue(first.keepAlive());
      assertTrue(first.readNanos() <= System.nanoTime());
      assertTrue(r.awaitRequest());
      HttpRequest second = r.read();
      assertEquals("/healthz", second.path());
      assertEquals(0, second.body().length);
      assertFalse(second.keepAlive(), "Connection: close");
      assertFalse(r.awaitRequest(), "end of stream after the last request");
    }
  }

  @Test
  void decodesChunkedBodiesAndAnswersExpectContinue() throws Exception {
    HttpRequestReader r = reader("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
        + "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n", 5, 1024);
    assertTrue(r.awaitRequest());
    assertArrayEquals("abc0123456789".getBytes(StandardCharsets.US_ASCII), r.read().body());
    assertEquals("HTTP/1.1 100 Continue\r\n\r\n", sent.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void refusesWhatIsOutsideTheLimitsWithTheStatusToAnswer() throws Exception {
    assertEquals(413, status("POST /x HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", 1024));
    assertEquals(413, status("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n" + "a".repeat(1025), 1024));
    assertEquals(431, status("GET /x HTTP/1.1\r\nX: " + "a".repeat(HttpRequestReader.MAX_HEAD) + "\r\n\r\n", 1024));
    assertEquals(431, status("GET /x HTTP/1.1\r\n" + "X: y\r\n".repeat(HttpRequestReader.MAX_HEADERS + 1) + "\r\n", 1024));
    assertEquals(400, status("POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 1024));
    assertEquals(400, status("POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 1024));
    assertEquals(400, status("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 1024));
    assertEquals(501, status("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 1024));
    assertEquals(400, status("GARBAGE\r\n\r\n", 1024));
    assertEquals(400, status("GET /x HTTP/1.1\r\nBad Header : v\r\n\r\n", 1024));
    assertEquals(400, status("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 1024), "body cut short");
    assertEquals(400, status("GET /x HTTP/1.1\r\nHost: x\r\n", 1024), "head cut short");
  }

  private int status(String wire, int maxBody) throws Exception {
    HttpRequestReader r = reader(wire, 64, maxBody);
    assertTrue(r.awaitRequest());
    return assertThrows(HttpProtocolException.class, () -> r.read()).status();
  }
}
