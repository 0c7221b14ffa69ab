package io.capkit.http;

/**
 * Answers one request; must not throw for anything a client can send. Called on an event loop for small bodies and on
 * a worker thread for large ones (see {@code Workers}), so it must be thread-safe and only compute.
 */
public interface HttpHandler {
  HttpResponse handle(HttpRequest request);

  /** Called once the response has been written (or failed to be): {@code nanos} since the request was read. */
  default void written(HttpRequest request, HttpResponse response, long nanos) {}

  /** Called when a request could not be read (bad framing, over a limit) and was answered {@code status}. */
  default void refused(int status) {}
}
