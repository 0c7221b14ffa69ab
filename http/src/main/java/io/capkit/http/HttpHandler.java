package io.capkit.http;

/** Answers one request; must not throw for anything a client can send. */
public interface HttpHandler {
  HttpResponse handle(HttpRequest request);

  /**
   * Whether {@code request} is answered in microseconds (a probe, a counter read): such a request is answered on its
   * connection's event loop and never waits behind other requests' work, which runs on worker threads.
   */
  default boolean quick(HttpRequest request) {
    return false;
  }

  /** Called once the response has been written (or failed to be): {@code nanos} since the request was read. */
  default void written(HttpRequest request, HttpResponse response, long nanos) {}

  /** Called when a request could not be read (bad framing, over a limit) and was answered {@code status}. */
  default void refused(int status) {}
}
