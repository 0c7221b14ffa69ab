package io.capkit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Waits for a provider process started by a harness to answer 200 on its {@code /readyz} endpoint. */
public final class ProviderReadiness {
  private ProviderReadiness() {}

  /**
   * Polls {@code http://127.0.0.1:PORT/readyz} every 100 ms until it answers 200.
   *
   * @throws IllegalStateException if the process exits first or is not ready within {@code timeout}; the message
   *     names the provider's log
   */
  public static void await(HttpClient http, int port, Process process, Path log, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the provider exited with " + process.exitValue() + "; log: " + log);
      }
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the provider was not ready after " + timeout.toSeconds() + " s; log: " + log);
  }
}
