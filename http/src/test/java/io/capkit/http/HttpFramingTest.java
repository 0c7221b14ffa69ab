package io.capkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server's HTTP/1.1 pipeline without a socket or TLS, fed a few bytes at a time as a network would. */
class HttpFramingTest {
  private static final ConnectionLimits LIMITS = new ConnectionLimits(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(5), Duration.ofSeconds(5), 10);

  /** Records what it is given, answers with the body it got. */
  private static final class Echo implements HttpHandler {
    final List<HttpRequest> requests = new ArrayList<>();
    final List<Integer> refused = new ArrayList<>();
    final List<Long> written = new ArrayList<>();

    @Override
    public HttpResponse handle(HttpRequest request) {
      requests.add(request);
      return HttpResponse.of(200, "application/json", request.body(), "ok");
    }

    @Override
    public void written(HttpRequest request, HttpResponse response, long nanos) {
      written.add(nanos);
    }

    @Override
    public void refused(int status) {
      refused.add(status);
    }
  }

  private static final Workers WORKERS = new Workers(1);

  private final Echo echo = new Echo();

  private EmbeddedChannel channel(int maxBody) {
    ConnectionDeadline deadline = new ConnectionDeadline(LIMITS, true, () -> {});
    // Bodies here are small: answered on the (embedded) event loop, so these tests see answers without waiting.
    return new EmbeddedChannel(deadline, new StrictRequestDecoder(), new HttpResponseEncoder(),
        new BoundedBodyAggregator(maxBody, echo), new RequestDispatcher(echo, deadline, WORKERS));
  }

  /** Feeds {@code wire} in pieces of {@code step} bytes; returns everything the server wrote. */
  private static String exchange(EmbeddedChannel ch, String wire, int step) {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length && ch.isOpen(); i += step) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i)));
    }
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
    }
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 1024})
  void readsPipelinedKeepAliveRequestsWhateverTheReadSizes(int step) {
    EmbeddedChannel ch = channel(1024);
    String out = exchange(ch, "POST /validate-cluster?timeout=10s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
        + "\r\nContent-Length: 5\r\n\r\n{\"a\":GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", step);
    assertEquals(2, echo.requests.size(), out);
    HttpRequest first = echo.requests.get(0);
    assertEquals("POST", first.method());
    assertEquals("/validate-cluster", first.path());
    assertEquals("application/json", first.header("content-type"));
    assertEquals("{\"a\":", new String(first.body(), StandardCharsets.UTF_8));
    assertTrue(first.keepAlive());
    HttpRequest second = echo.requests.get(1);
    assertEquals("/healthz", second.path());
    assertEquals(0, second.body().length);
    assertFalse(second.keepAlive(), "Connection: close");
    assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
    assertTrue(out.contains("content-length: 5\r\n\r\n{\"a\":HTTP/1.1 200 OK\r\n"), out);
    assertTrue(out.endsWith("connection: close\r\n\r\n"), out);
    assertFalse(ch.isOpen(), "closed after the answer to Connection: close");
    assertEquals(2, echo.written.size());
    assertTrue(echo.written.stream().allMatch(n -> n >= 0));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 1024})
  void decodesChunkedBodiesAndAnswersExpectContinue(int step) {
    EmbeddedChannel ch = channel(1024);
    String out = exchange(ch, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
        + "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n", step);
    assertEquals(1, echo.requests.size(), out);
    assertEquals("abc0123456789", new String(echo.requests.get(0).body(), StandardCharsets.US_ASCII));
    assertTrue(out.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), out);
    assertTrue(ch.isOpen(), "kept alive");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 100_000})
  void refusesWhatIsOutsideTheLimitsWithTheStatusToAnswer(int step) {
    assertRefused(413, "POST /x HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", step);
    assertRefused(413, "POST /x HTTP/1.1\r\nContent-Length: 1025\r\nExpect: 100-continue\r\n\r\n", step);
    assertRefused(413, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n" + "a".repeat(1025), step);
    assertRefused(431, "GET /x HTTP/1.1\r\nX: " + "a".repeat(StrictRequestDecoder.MAX_HEAD) + "\r\n\r\n", step);
    assertRefused(431, "GET /x HTTP/1.1\r\n" + "X: y\r\n".repeat(RequestDispatcher.MAX_HEADERS + 1) + "\r\n", step);
    assertRefused(414, "GET /" + "a".repeat(StrictRequestDecoder.MAX_LINE) + " HTTP/1.1\r\n\r\n", step);
    assertRefused(400, "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", step);
    assertRefused(400, "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", step);
    assertRefused(400, "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", step);
    assertRefused(501, "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", step);
    assertRefused(400, "GARBAGE\r\n\r\n", step);
    assertRefused(400, "GET http://elsewhere/x HTTP/1.1\r\n\r\n", step);
    assertRefused(400, "GET /x HTTP/1.1\r\nBad Header : v\r\n\r\n", step);
    assertRefused(400, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", step);
    assertTrue(echo.requests.isEmpty(), "no refused request reached the handler");
  }

  private void assertRefused(int status, String wire, int step) {
    int before = echo.refused.size();
    EmbeddedChannel ch = channel(1024);
    String out = exchange(ch, wire, step);
    assertTrue(out.startsWith("HTTP/1.1 " + status + " "), wire.substring(0, Math.min(60, wire.length())) + " -> " + out);
    assertTrue(out.contains("connection: close\r\n"), out);
    assertFalse(ch.isOpen(), "closed after refusing");
    assertEquals(List.of(status), echo.refused.subList(before, echo.refused.size()));
    ch.finishAndReleaseAll();
  }
}
