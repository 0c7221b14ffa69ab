package io.capkit.provider.runtime;

import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the provider waits. Failures (a reconcile that throws) are retried by JOSDK with {@link #retry()}: exponential
 * backoff, capped, a bounded number of attempts. Deliberate periodic waits that are not failures (a KVMHost that is
 * not watched may appear; a guest's address may come) reschedule with {@link #jittered(Duration)} so that many
 * objects do not wake in lock step. {@link #rateLimiter()} bounds how often one object is reconciled at all.
 */
public final class Backoff {
  public static final Duration INITIAL = Duration.ofSeconds(5);
  public static final double MULTIPLIER = 2.0;
  public static final Duration MAX_INTERVAL = Duration.ofMinutes(5);
  /**
   * JOSDK waits 5, 5, 10, 20, 40, 80, 160 s, then every 5 min: about 70 minutes of retries; after them the object
   * waits for a change (or JOSDK's maximum reconciliation interval).
   */
  public static final int MAX_ATTEMPTS = 20;
  /** At most this many reconciles of one object per {@link #RATE_PERIOD}. */
  public static final int RATE_LIMIT = 10;
  public static final Duration RATE_PERIOD = Duration.ofSeconds(10);
  /** A jittered wait is up to this fraction longer than asked. */
  static final double JITTER = 0.2;

  /** Address polls after provisioning: 15 s doubling up to 2 min, at most this many, then only on change. */
  public static final int ADDRESS_POLLS = 12;
  static final Duration ADDRESS_POLL_FIRST = Duration.ofSeconds(15);
  static final Duration ADDRESS_POLL_MAX = Duration.ofMinutes(2);

  private Backoff() {}

  public static GenericRetry retry() {
    return new GenericRetry().setInitialInterval(INITIAL).setIntervalMultiplier(MULTIPLIER)
        .setMaxInterval(MAX_INTERVAL.toMillis()).setMaxAttempts(MAX_ATTEMPTS);
  }

  public static LinearRateLimiter rateLimiter() {
    return new LinearRateLimiter(RATE_PERIOD, RATE_LIMIT);
  }

  /** {@code base} plus a random 0–20 %. */
  public static Duration jittered(Duration base) {
    return jittered(base, ThreadLocalRandom.current().nextDouble());
  }

  /** {@code base} plus {@code fraction} (in [0, 1)) of the jitter range (pure, for tests). */
  static Duration jittered(Duration base, double fraction) {
    return base.plusMillis(Math.round(base.toMillis() * JITTER * fraction));
  }

  /**
   * The wait before address poll number {@code attempt} (0-based) of a provisioned machine without addresses, or
   * empty once {@link #ADDRESS_POLLS} polls were made: a guest that never reports an address is polled no more until
   * the machine changes.
   */
  public static Optional<Duration> addressPoll(int attempt) {
    if (attempt < 0 || attempt >= ADDRESS_POLLS) {
      return Optional.empty();
    }
    Duration d = ADDRESS_POLL_FIRST.multipliedBy(1L << Math.min(attempt, 10));
    return Optional.of(d.compareTo(ADDRESS_POLL_MAX) > 0 ? ADDRESS_POLL_MAX : d);
  }
}
