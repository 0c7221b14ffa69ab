package io.capkit.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Collects a request's body up to {@code maxBody} bytes. A body over the limit, declared or chunked, is answered 413
 * and the connection closed; a declared one before its first byte is sent, also when the client asked
 * {@code Expect: 100-continue}.
 */
final class BoundedBodyAggregator extends HttpObjectAggregator {
  private final HttpHandler handler;

  BoundedBodyAggregator(int maxBody, HttpHandler handler) {
    super(maxBody, true);
    this.handler = handler;
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    if (HttpUtil.getContentLength(start, -1L) > maxContentLength()) {
      handler.refused(413);
      return Responses.encode(tooLarge());
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  @Override
  protected boolean closeAfterContinueResponse(Object response) {
    return Responses.isClosing(response) || super.closeAfterContinueResponse(response);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    handler.refused(413);
    ctx.writeAndFlush(Responses.encode(tooLarge())).addListener(ChannelFutureListener.CLOSE);
  }

  private HttpResponse tooLarge() {
    return HttpResponse.text(413, "request body larger than " + maxContentLength() + " bytes", "too_large").closing();
  }
}
