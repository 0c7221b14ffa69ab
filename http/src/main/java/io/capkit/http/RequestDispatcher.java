package io.capkit.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each request read whole into an {@link HttpRequest} and has the {@link HttpHandler} answer it: on this event
 * loop when its body is small, on a worker thread when it is large ({@link Workers}), the answer written back on this
 * event loop. A connection's requests are answered one at a time, in order: one that arrives
 * pipelined behind another waits here. A request that could not be read is answered with the status that says why
 * and the connection closed. The server's latency clock runs from the request read whole to the answer written.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
  static final int MAX_HEADERS = 100;
  /** Requests a client may send ahead of the answer it waits for. */
  static final int MAX_PIPELINED = 16;

  /** A request read off the connection, or the refusal it gets. */
  private record Pending(HttpRequest request, boolean http10, HttpResponse refusal, long read) {}

  private final HttpHandler handler;
  private final ConnectionDeadline deadline;
  private final Workers workers;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean busy;
  /**
   * The connection's client certificate subject, read once at its first request (TLS 1.3 has no renegotiation,
   * BoringSSL none as a server; with the JDK's TLS 1.2 a renegotiated certificate is still verified by the same CA).
   * Asking the engine at every request cost an exception per request when the client presented none.
   */
  private String clientCertificate;
  private boolean clientCertificateRead;

  RequestDispatcher(HttpHandler handler, ConnectionDeadline deadline, Workers workers) {
    this.handler = handler;
    this.deadline = deadline;
    this.workers = workers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    deadline.handling();
    long read = System.nanoTime();
    HttpResponse refusal = refusal(req);
    Pending p;
    if (refusal != null) {
      p = new Pending(null, false, refusal, read);
    } else {
      String uri = req.uri();
      int q = uri.indexOf('?');
      Map<String, String> headers = new HashMap<>();
      for (Map.Entry<String, String> h : req.headers()) {
        headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
      }
      p = new Pending(new HttpRequest(req.method().name(), q < 0 ? uri : uri.substring(0, q), headers,
          ByteBufUtil.getBytes(req.content()), HttpUtil.isKeepAlive(req), read, clientCertificate(ctx)),
          req.protocolVersion() == HttpVersion.HTTP_1_0, null, read);
    }
    if (busy && waiting.size() >= MAX_PIPELINED) {
      // More requests sent ahead than any client needs: drop the connection rather than hold them all.
      waiting.clear();
      ctx.close();
    } else if (busy) {
      waiting.add(p);
    } else {
      start(ctx, p);
    }
  }

  private void start(ChannelHandlerContext ctx, Pending p) {
    busy = true;
    if (p.refusal() != null) {
      handler.refused(p.refusal().status());
      respond(ctx, p, p.refusal().closing());
      return;
    }
    if (Workers.inline(p.request().body().length)) {
      respond(ctx, p, handler.handle(p.request()));
      return;
    }
    boolean queued = workers.submit(() -> {
      HttpResponse response;
      try {
        response = handler.handle(p.request());
      } catch (RuntimeException e) {
        LOG.error("unexpected error serving {}", p.request().path(), e);
        response = HttpResponse.text(500, "internal error", "error").closing();
      }
      HttpResponse answer = response;
      ctx.executor().execute(() -> respond(ctx, p, answer));
    });
    if (!queued) {
      handler.refused(503);
      respond(ctx, p, HttpResponse.text(503, "server busy, retry", "busy").withHeader("Retry-After", "1").closing());
    }
  }

  /** The verified client certificate's subject on a TLS connection, or null; asked once per connection. */
  private String clientCertificate(ChannelHandlerContext ctx) {
    if (!clientCertificateRead) {
      clientCertificate = peerCertificate(ctx);
      clientCertificateRead = true;
    }
    return clientCertificate;
  }

  private static String peerCertificate(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** Why a request cannot be handled at all, or null when it can. */
  private static HttpResponse refusal(FullHttpRequest req) {
    DecoderResult result = req.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      int status = cause instanceof TooLongHttpHeaderException ? 431
          : cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongFrameException ? 413 : 400;
      return HttpResponse.text(status, "malformed request: " + cause.getMessage(), "bad_http");
    }
    if (!req.uri().startsWith("/")) {
      return HttpResponse.text(400, "the request target must be a path", "bad_http");
    }
    if (req.headers().size() > MAX_HEADERS) {
      return HttpResponse.text(431, "more than " + MAX_HEADERS + " header fields", "bad_http");
    }
    String te = req.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
    if (te != null && !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(te.strip())) {
      return HttpResponse.text(501, "Transfer-Encoding " + te + " is not supported", "bad_http");
    }
    return null;
  }

  private void respond(ChannelHandlerContext ctx, Pending p, HttpResponse answer) {
    HttpResponse response = answer;
    if (p.request() != null && !p.request().keepAlive()) {
      response = response.closing();
    } else if (p.http10() && !response.close()) {
      response = response.withHeader(HttpHeaderNames.CONNECTION.toString(), HttpHeaderValues.KEEP_ALIVE.toString());
    }
    HttpResponse sent = response;
    if (!ctx.channel().isActive()) {
      return;
    }
    deadline.writing();
    ctx.writeAndFlush(Responses.encode(sent)).addListener(f -> {
      if (p.request() != null) {
        handler.written(p.request(), sent, System.nanoTime() - p.read());
      }
      if (sent.close() || !f.isSuccess()) {
        waiting.clear();
        ctx.close();
        return;
      }
      deadline.written();
      busy = false;
      Pending next = waiting.poll();
      if (next != null) {
        deadline.handling();
        start(ctx, next);
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection ended: {}", cause.toString());
    ctx.close();
  }
}
