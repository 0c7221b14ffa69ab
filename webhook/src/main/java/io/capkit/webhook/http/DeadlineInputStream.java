package io.capkit.webhook.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with a deadline for everything read until it is cleared: each read may block only for the time
 * left, so a peer dripping one byte at a time cannot stretch a request past the deadline (slowloris).
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private long deadlineNanos;
  private boolean armed;

  DeadlineInputStream(Socket socket, InputStream in) {
    super(in);
    this.socket = socket;
  }

  /** From now on, reads fail with {@link SocketTimeoutException} once {@code timeoutMillis} have passed. */
  void arm(long timeoutMillis) {
    deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    armed = true;
  }

  /** Reads block for at most {@code timeoutMillis} each, with no overall deadline (waiting between requests). */
  void idle(long timeoutMillis) throws IOException {
    armed = false;
    socket.setSoTimeout((int) timeoutMillis);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (armed) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException("request not complete within its deadline");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }
    return in.read(b, off, len);
  }
}
