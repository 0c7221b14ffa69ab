package io.capkit.provider.runtime;

import java.util.concurrent.ForkJoinPool;

/**
 * The JDK HTTP client (fabric8's HTTP layer here) completes every asynchronous response on CompletableFuture's default
 * executor. On a machine with one or two CPUs the common pool's parallelism is below 2 and that executor is a
 * thread per task: one new thread for every API response (about 3,000 threads started while provisioning 500
 * machines, measured with JFR). A common pool of at least two threads keeps them.
 */
public final class AsyncPool {
  public static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private AsyncPool() {}

  /**
   * Sets the common pool's parallelism to 2 unless the JVM was given one; effective only before the first use of
   * ForkJoinPool or CompletableFuture in this JVM (the JVM flag {@code -D}{@value #PARALLELISM}{@code =2} always is).
   * Returns whether the default executor is a pool now.
   */
  public static boolean ensure() {
    if (System.getProperty(PARALLELISM) == null) {
      System.setProperty(PARALLELISM, "2");
    }
    return ForkJoinPool.getCommonPoolParallelism() > 1;
  }
}
