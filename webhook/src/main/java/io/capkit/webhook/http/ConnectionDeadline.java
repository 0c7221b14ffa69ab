package io.capkit.webhook.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deadline per connection, moved as the connection goes through its steps (the handshake's own limit is the TLS
 * handler's): after the handshake the first request must start within {@link ConnectionLimits#firstRequest()}; a
 * request, from its first byte to its last, and the peer reading the answer each get {@link ConnectionLimits#request()}
 * (slowloris, a peer that stops reading); between requests a kept-alive connection may rest
 * {@link ConnectionLimits#idle()}. A missed deadline closes the connection. Runs on the connection's event loop only;
 * moving the deadline costs no timer churn: one pending check at a time, never further out than the shortest limit,
 * re-armed for what is left.
 */
final class ConnectionDeadline extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadline.class);

  private enum Step { HANDSHAKE, WAITING, READING, HANDLING, WRITING }

  private final long requestNanos;
  private final long firstRequestNanos;
  private final long idleNanos;
  /** The longest a pending check waits: never past a deadline set after it was scheduled. */
  private final long tickNanos;
  private ChannelHandlerContext ctx;
  private Step step = Step.HANDSHAKE;
  private long deadline;
  private ScheduledFuture<?> check;

  ConnectionDeadline(ConnectionLimits limits) {
    this.requestNanos = limits.request().toNanos();
    this.firstRequestNanos = limits.firstRequest().toNanos();
    this.idleNanos = limits.idle().toNanos();
    this.tickNanos = Math.min(requestNanos, Math.min(firstRequestNanos, idleNanos));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess() && step == Step.HANDSHAKE) {
      move(Step.WAITING, firstRequestNanos);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (step == Step.WAITING && msg instanceof ByteBuf b && b.isReadable()) {
      move(Step.READING, requestNanos);
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  /** A request was read whole: no deadline while the server works on it. */
  void handling() {
    step = Step.HANDLING;
    deadline = 0;
  }

  /** The answer is being written: the peer must take it within the request limit. */
  void writing() {
    move(Step.WRITING, requestNanos);
  }

  /** The answer was taken; bytes of a next request may already be in, which then starts its clock. */
  void written() {
    if (step == Step.WRITING) {
      move(Step.WAITING, idleNanos);
    }
  }

  private void move(Step next, long nanos) {
    step = next;
    deadline = System.nanoTime() + nanos;
    if (check == null) {
      check = ctx.executor().schedule(this::expire, Math.min(nanos, tickNanos), TimeUnit.NANOSECONDS);
    }
  }

  private void expire() {
    check = null;
    if (deadline == 0 || !ctx.channel().isActive()) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      check = ctx.executor().schedule(this::expire, Math.min(left, tickNanos), TimeUnit.NANOSECONDS);
      return;
    }
    LOG.debug("closing a connection that missed its deadline while {}", step);
    ctx.close();
  }

  private void cancel() {
    deadline = 0;
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }
}
