package io.capkit.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where requests are handled, off the event loops (which then only move bytes, so a probe or a small request is
 * never stuck behind a large one's parsing): one pool for requests with small bodies, one with half the threads for
 * bodies over {@link #LARGE_BODY}, so that a burst of the largest reviews takes turns among itself while small ones
 * keep their threads. Each pool's queue is bounded; a request that finds it full is refused (503), not queued
 * without end.
 */
final class Workers implements AutoCloseable {
  /** Bodies larger than this go to the pool for large requests. */
  static final int LARGE_BODY = 256 * 1024;

  private final ThreadPoolExecutor small;
  private final ThreadPoolExecutor large;

  Workers(int threads) {
    this.small = pool("capkit-http-work", threads, 4096);
    this.large = pool("capkit-http-work-large", Math.max(1, threads / 2), 64);
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queue) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** Runs {@code work} for a request with a body of {@code bodyBytes}; false when that pool's queue is full. */
  boolean submit(int bodyBytes, Runnable work) {
    try {
      (bodyBytes > LARGE_BODY ? large : small).execute(work);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public void close() {
    small.shutdownNow();
    large.shutdownNow();
  }
}
