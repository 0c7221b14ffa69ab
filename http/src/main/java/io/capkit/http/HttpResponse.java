package io.capkit.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a handler answers: status, content type, body, extra headers, whether the connection must close after it,
 * and a short label the handler wants back once the response is written (its metrics outcome).
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers, boolean close,
                           String label) {
  public static HttpResponse of(int status, String contentType, byte[] body, String label) {
    return new HttpResponse(status, contentType, body, Map.of(), false, label);
  }

  public static HttpResponse text(int status, String message, String label) {
    return of(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), label);
  }

  public HttpResponse withHeader(String name, String value) {
    Map<String, String> h = new java.util.TreeMap<>(headers);
    h.put(name, value);
    return new HttpResponse(status, contentType, body, Map.copyOf(h), close, label);
  }

  public HttpResponse closing() {
    return new HttpResponse(status, contentType, body, headers, true, label);
  }
}
