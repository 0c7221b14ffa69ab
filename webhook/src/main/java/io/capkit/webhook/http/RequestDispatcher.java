package io.capkit.webhook.http;

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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each request read whole into an {@link HttpRequest}, has the {@link HttpHandler} answer it on this event loop
 * and writes the answer; a request that could not be read is answered with the status that says why and the
 * connection closed. The server's latency clock runs from the request read whole to the answer written.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
  static final int MAX_HEADERS = 100;

  private final HttpHandler handler;
  private final ConnectionDeadline deadline;

  RequestDispatcher(HttpHandler handler, ConnectionDeadline deadline) {
    this.handler = handler;
    this.deadline = deadline;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    deadline.handling();
    long read = System.nanoTime();
    HttpResponse refusal = refusal(req);
    if (refusal != null) {
      handler.refused(refusal.status());
      respond(ctx, null, refusal.closing(), read);
      return;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    HttpRequest request = new HttpRequest(req.method().name(), q < 0 ? uri : uri.substring(0, q), headers,
        ByteBufUtil.getBytes(req.content()), HttpUtil.isKeepAlive(req), read);
    HttpResponse response = handler.handle(request);
    if (!request.keepAlive()) {
      response = response.closing();
    } else if (req.protocolVersion() == HttpVersion.HTTP_1_0) {
      response = response.withHeader(HttpHeaderNames.CONNECTION.toString(), HttpHeaderValues.KEEP_ALIVE.toString());
    }
    respond(ctx, request, response, read);
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

  private void respond(ChannelHandlerContext ctx, HttpRequest request, HttpResponse response, long read) {
    deadline.writing();
    ctx.writeAndFlush(Responses.encode(response)).addListener(f -> {
      if (request != null) {
        handler.written(request, response, System.nanoTime() - read);
      }
      if (response.close() || !f.isSuccess()) {
        ctx.close();
      } else {
        deadline.written();
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection ended: {}", cause.toString());
    ctx.close();
  }
}
