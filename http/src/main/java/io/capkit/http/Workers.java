package io.capkit.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where requests with large bodies are handled: off the event loops, on half as many threads as there are event
 * loops (at least one), behind a bounded queue. A request with a body up to {@link #INLINE_BODY} bytes (every probe,
 * nearly every admission review) is handled on its connection's event loop at once, the fast path; a larger one
 * costs milliseconds of parsing, and a burst of them would hold every event loop and every connection behind it.
 * Here they take turns among themselves while the event loops keep serving the rest; when the queue is full a request
 * is refused (503 with {@code Retry-After}) instead of waiting without end.
 */
final class Workers implements AutoCloseable {
  /** Bodies up to this size are handled on the event loop. */
  static final int INLINE_BODY = 64 * 1024;
  /** Large requests waiting for a thread at most; each holds its body (up to the server's limit) meanwhile. */
  static final int QUEUE = 32;

  private final ThreadPoolExecutor large;

  Workers(int eventLoops) {
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(1, eventLoops / 2);
    this.large = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "capkit-http-large-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** Whether a request with a body of {@code bodyBytes} is handled on its event loop. */
  static boolean inline(int bodyBytes) {
    return bodyBytes <= INLINE_BODY;
  }

  /** Runs {@code work} on a worker; false when the queue is full. */
  boolean submit(Runnable work) {
    try {
      large.execute(work);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public void close() {
    large.shutdownNow();
  }
}
