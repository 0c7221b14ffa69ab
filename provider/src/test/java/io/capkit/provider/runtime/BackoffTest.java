package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
  /** JOSDK's execution of the retry policy: growing waits, capped, then none (the old code retried every 30 s forever). */
  @Test
  void failuresAreRetriedWithExponentialCappedBoundedBackoff() {
    RetryExecution e = Backoff.retry().initExecution();
    List<Long> delays = new ArrayList<>();
    for (Optional<Long> d = e.nextDelay(); d.isPresent(); d = e.nextDelay()) {
      delays.add(d.get());
    }
    assertEquals(Backoff.MAX_ATTEMPTS, delays.size(), delays.toString());
    // JOSDK waits the initial interval twice before multiplying.
    assertEquals(List.of(5_000L, 5_000L, 10_000L, 20_000L, 40_000L, 80_000L, 160_000L, 300_000L),
        delays.subList(0, 8));
    assertTrue(delays.stream().allMatch(d -> d <= Backoff.MAX_INTERVAL.toMillis()), delays.toString());
  }

  @Test
  void rateLimiterAllowsTenReconcilesPerObjectPerTenSeconds() {
    var limiter = Backoff.rateLimiter();
    assertTrue(limiter.isActivated());
    var state = limiter.initState();
    for (int i = 0; i < Backoff.RATE_LIMIT; i++) {
      assertTrue(limiter.isLimited(state).isEmpty(), "reconcile " + i);
    }
    assertTrue(limiter.isLimited(state).isPresent(), "the 11th within the period waits");
  }

  @Test
  void jitterAddsUpToAFifthAndNeverShortens() {
    Duration base = Duration.ofSeconds(30);
    assertEquals(base, Backoff.jittered(base, 0.0));
    assertEquals(Duration.ofSeconds(33), Backoff.jittered(base, 0.5));
    for (int i = 0; i < 1000; i++) {
      Duration d = Backoff.jittered(base);
      assertTrue(d.compareTo(base) >= 0 && d.compareTo(Duration.ofSeconds(36)) <= 0, d.toString());
    }
  }

  /** The old code polled every 15 s for as long as the guest had no address. */
  @Test
  void addressPollingGrowsAndEnds() {
    List<Duration> polls = new ArrayList<>();
    for (int i = 0; Backoff.addressPoll(i).isPresent(); i++) {
      polls.add(Backoff.addressPoll(i).get());
    }
    assertEquals(Backoff.ADDRESS_POLLS, polls.size());
    assertEquals(List.of(Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofMinutes(2), Duration.ofMinutes(2)), polls.subList(0, 5));
    assertTrue(Backoff.addressPoll(Backoff.ADDRESS_POLLS).isEmpty());
  }
}
