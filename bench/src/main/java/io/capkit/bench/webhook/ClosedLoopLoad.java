package io.capkit.bench.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * N clients, each on its own keep-alive TLS connection with one request outstanding (closed loop). Connections are
 * opened before the clock starts; then a warm-up, then the measured window. A request counts when it started and
 * ended inside the window.
 */
public final class ClosedLoopLoad {
  private static final byte[] ALLOWED = "\"allowed\":true".getBytes(StandardCharsets.US_ASCII);
  /** Latencies up to a minute, 3 significant digits. */
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** What the clients saw in the window. */
  public record Outcome(Histogram latencyNanos, long requests, long errors, Duration window, String firstError) {}

  /** Called at the start and the end of the measured window (scrapes, CPU time, RSS). */
  public interface WindowListener {
    void windowStarts() throws IOException;

    void windowEnds() throws IOException;
  }

  private ClosedLoopLoad() {}

  public static Outcome run(SSLContext tls, int port, String path, int clients, Duration warmup, Duration measure,
                            WindowListener listener) throws IOException, InterruptedException {
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(clients);
    Clock clock = new Clock();
    List<Client> workers = new ArrayList<>();
    AtomicReference<String> firstError = new AtomicReference<>();
    for (int i = 0; i < clients; i++) {
      Client c = new Client(i, tls, port, path, clock, ready, go, done, firstError);
      workers.add(c);
      Thread t = new Thread(c, "load-" + i);
      t.setDaemon(true);
      t.start();
    }
    try {
      if (!ready.await(60, TimeUnit.SECONDS) || firstError.get() != null) {
        throw new IOException("clients could not connect and send a first request: " + firstError.get());
      }
      clock.start = System.nanoTime() + warmup.toNanos();
      clock.end = clock.start + measure.toNanos();
    } finally {
      // The latch publishes the clock to the clients.
      go.countDown();
    }
    sleepUntil(clock.start);
    listener.windowStarts();
    sleepUntil(clock.end);
    listener.windowEnds();
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IOException("clients did not finish within 60 s after the window");
    }
    Histogram all = new Histogram(MAX_NANOS, 3);
    long requests = 0;
    long errors = 0;
    for (Client c : workers) {
      all.add(c.histogram);
      requests += c.requests;
      errors += c.errors;
    }
    return new Outcome(all, requests, errors, measure, firstError.get());
  }

  /** Start and end of the measured window (System.nanoTime); set before the clients are let go. */
  private static final class Clock {
    long start;
    long end;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** True when the answer is an AdmissionReview that allows the object and echoes the uid. */
  static boolean allowed(KeepAliveConnection.Answer answer, byte[] uid) {
    return answer.status() == 200 && indexOf(answer.body(), ALLOWED) >= 0 && indexOf(answer.body(), uid) >= 0;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * One client: connects and sends a first request right away (as an API server does; capkit's JDK server holds a
   * worker thread on a new TLS connection until its first request arrives), waits for the others, then loops.
   */
  private static final class Client implements Runnable {
    private final int id;
    private final SSLContext tls;
    private final int port;
    private final String path;
    private final Clock clock;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final CountDownLatch done;
    private final AtomicReference<String> firstError;
    private final ClusterReview review = new ClusterReview();
    private final Histogram histogram = new Histogram(MAX_NANOS, 3);
    private KeepAliveConnection connection;
    private long requests;
    private long errors;

    Client(int id, SSLContext tls, int port, String path, Clock clock, CountDownLatch ready, CountDownLatch go,
           CountDownLatch done, AtomicReference<String> firstError) {
      this.id = id;
      this.tls = tls;
      this.port = port;
      this.path = path;
      this.clock = clock;
      this.ready = ready;
      this.go = go;
      this.done = done;
      this.firstError = firstError;
    }

    @Override
    public void run() {
      try {
        connection = new KeepAliveConnection(tls, "127.0.0.1", port);
        connection.post(path, review.stamp(id, 0));
      } catch (IOException e) {
        firstError.compareAndSet(null, "connect: " + e);
      }
      ready.countDown();
      try {
        go.await();
        if (connection == null) {
          return;
        }
        long start = clock.start;
        long end = clock.end;
        for (long seq = 1; ; seq++) {
          long before = System.nanoTime();
          if (before >= end) {
            return;
          }
          byte[] body = review.stamp(id, seq);
          boolean ok;
          try {
            ok = allowed(connection.post(path, body), review.uid().getBytes(StandardCharsets.US_ASCII));
            if (!ok) {
              firstError.compareAndSet(null, "answer did not allow the Cluster");
            }
          } catch (IOException e) {
            ok = false;
            firstError.compareAndSet(null, e.toString());
            reconnect();
          }
          long after = System.nanoTime();
          if (before >= start && after <= end) {
            if (ok) {
              histogram.recordValue(Math.min(after - before, MAX_NANOS));
              requests++;
            } else {
              errors++;
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly();
        done.countDown();
      }
    }

    private void closeQuietly() {
      try {
        if (connection != null) {
          connection.close();
        }
      } catch (IOException e) {
        // the window is over; a failed close changes no figure
      }
    }

    private void reconnect() {
      try {
        connection.close();
        connection = new KeepAliveConnection(tls, "127.0.0.1", port);
      } catch (IOException e) {
        firstError.compareAndSet(null, "reconnect: " + e);
      }
    }
  }
}
