package io.capkit.cli;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Names no other process or call uses at the same time: the lock file's token and temporary files' names. This
 * process's id (no two live processes share one), the time it started counting, and a counter. Not secret and not
 * meant to be unguessable: {@code UUID.randomUUID()} did this before, and starting the JDK's secure random number
 * generator cost ~7 ms of CPU on the way to every incremental render's first step.
 */
final class UniqueName {
  private static final String PREFIX = ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()) + "-";
  private static final AtomicLong COUNTER = new AtomicLong();

  private UniqueName() {}

  /** A name unique among this process's calls and every other live process's. */
  static String next() {
    return PREFIX + COUNTER.incrementAndGet();
  }
}
