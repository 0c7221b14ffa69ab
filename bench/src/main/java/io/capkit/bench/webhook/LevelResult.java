package io.capkit.bench.webhook;

/**
 * What one server did at one concurrency level during the measured window.
 *
 * @param server          "capkit" or "capi" (the Go peer)
 * @param clients         concurrent keep-alive connections, each with one request outstanding
 * @param requests        answered requests that started and ended inside the window
 * @param errors          non-200 answers, answers that did not allow the object, and I/O failures in the window
 * @param seconds         length of the window
 * @param clientLatency   latency seen by the load generator (HdrHistogram, exact to 3 digits)
 * @param serverLatency   latency the server reports for the endpoint (estimated from its histogram buckets)
 * @param rssKb           server resident set size at the end of the window
 * @param peakRssKb       server peak resident set size so far (VmHWM)
 * @param cpuMicrosPerRequest server process CPU time (user + system) in the window per answered request
 * @param split           the same CPU time as user and system time, and the server's context switches, per request
 */
public record LevelResult(String server, int clients, long requests, long errors, double seconds,
                          Latency clientLatency, Latency serverLatency, long rssKb, long peakRssKb, double cpuMicrosPerRequest,
                          CpuSplit split) {

  /** Without the split (unknown). */
  public LevelResult(String server, int clients, long requests, long errors, double seconds, Latency clientLatency,
                     Latency serverLatency, long rssKb, long peakRssKb, double cpuMicrosPerRequest) {
    this(server, clients, requests, errors, seconds, clientLatency, serverLatency, rssKb, peakRssKb,
        cpuMicrosPerRequest, CpuSplit.UNKNOWN);
  }

  /**
   * Per request: user and system CPU µs (from /proc/PID/stat, 10 ms ticks) and context switches of all the server's
   * threads (voluntary: a thread blocked, e.g. in epoll_wait, and was woken; involuntary: preempted); NaN when
   * unknown. At one client every request is a sleep and a wake-up of the event loop, which costs system time.
   */
  public record CpuSplit(double userMicros, double systemMicros, double voluntarySwitches,
                         double involuntarySwitches) {
    public static final CpuSplit UNKNOWN = new CpuSplit(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Latency quantiles in milliseconds; NaN when unknown. */
  public record Latency(double p50, double p99, double p999) {
    public static final Latency UNKNOWN = new Latency(Double.NaN, Double.NaN, Double.NaN);

    public static Latency fromBuckets(LatencyBuckets b) {
      return new Latency(b.quantile(0.50) * 1e3, b.quantile(0.99) * 1e3, b.quantile(0.999) * 1e3);
    }
  }

  public double throughput() {
    return seconds > 0 ? requests / seconds : 0;
  }
}
