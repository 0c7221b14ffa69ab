package io.capkit.http;

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
 * handler's): after the handshake (in plain HTTP: after accept) the first request must start within {@link ConnectionLimits#firstRequest()}; a
 * request, from its first byte to its last, and the peer reading the answer each get {@link ConnectionLimits#request()}
 * (slowloris, a peer that stops reading); between requests a kept-alive connection may rest
 * {@link ConnectionLimits#idle()}. A missed deadline closes the connection. Runs on the connection's event loop only;
 * moving the deadline costs no timer churn: one pending check at a time, never further out than the shortest limit,
 * re-armed for what is left.
 */
final class ConnectionDeadline extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadline.class);

  enum Step { HANDSHAKE, WAITING, READING, HANDLING, WRITING }

  private final long requestNanos;
  private final long firstRequestNanos;
  private final long idleNanos;
  /** The longest a pending check waits: never past a deadline set after it was scheduled. */
  private final long tickNanos;
  private final boolean tls;
  private final Runnable wentIdle;
  private ChannelHandlerContext ctx;
  // Read by other connections' threads when the server is full (see idleSince); written on this event loop only.
  private volatile Step step = Step.HANDSHAKE;
  private volatile long stepSince = System.nanoTime();
  private long deadline;
  private ScheduledFuture<?> check;

  ConnectionDeadline(ConnectionLimits limits, boolean tls, Runnable wentIdle) {
    this.tls = tls;
    this.wentIdle = wentIdle;
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
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (!tls && step == Step.HANDSHAKE) {
      move(Step.WAITING, firstRequestNanos);
    }
    super.channelActive(ctx);
  }

  /**
   * {@link System#nanoTime()} since when the connection has been idle (in its handshake or waiting for a request), or
   * {@link Long#MAX_VALUE} while a request is being read, handled or answered.
   */
  long idleSince() {
    Step s = step;
    return s == Step.HANDSHAKE || s == Step.WAITING ? stepSince : Long.MAX_VALUE;
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
    stepSince = System.nanoTime();
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
      wentIdle.run();
    }
  }

  private void move(Step next, long nanos) {
    step = next;
    stepSince = System.nanoTime();
    deadline = stepSince + nanos;
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
