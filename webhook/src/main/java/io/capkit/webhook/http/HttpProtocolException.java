package io.capkit.webhook.http;

/** A request that cannot be read as HTTP/1.1 within the limits: answered with {@link #status()}, then closed. */
public final class HttpProtocolException extends Exception {
  private final int status;

  public HttpProtocolException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
