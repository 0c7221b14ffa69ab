package io.capkit.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with this server's bounds (a {@value #MAX_HEAD}-byte head) and one rule stricter than its
 * default: a request carrying both {@code Transfer-Encoding: chunked} and {@code Content-Length} is refused instead of
 * having its length dropped, since two readers of such a request can disagree on where it ends (request smuggling).
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  static final int MAX_HEAD = 16 * 1024;
  static final int MAX_LINE = 8 * 1024;

  StrictRequestDecoder() {
    super(new HttpDecoderConfig().setMaxInitialLineLength(MAX_LINE).setMaxHeaderSize(MAX_HEAD)
        .setMaxChunkSize(64 * 1024).setAllowDuplicateContentLengths(false).setValidateHeaders(true));
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
  }
}
