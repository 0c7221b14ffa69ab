package io.capkit.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** A handler's {@link HttpResponse} as Netty's message: the one place response headers are decided. */
final class Responses {
  private Responses() {}

  static FullHttpResponse encode(HttpResponse r) {
    FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
        Unpooled.wrappedBuffer(r.body()), false);
    HttpHeaders h = out.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    h.set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      h.set(e.getKey(), e.getValue());
    }
    if (r.close()) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return out;
  }

  static boolean isClosing(Object response) {
    return response instanceof io.netty.handler.codec.http.HttpResponse r
        && r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
  }
}
