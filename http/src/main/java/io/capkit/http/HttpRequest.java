package io.capkit.http;

import java.util.Map;

/**
 * One HTTP/1.1 request as read off a connection.
 *
 * @param method     request method, as sent
 * @param path       the target without its query
 * @param headers    header values by lower-case name (the last one wins; repeated framing headers are refused)
 * @param body       the whole body (already bounded by the server's limit)
 * @param keepAlive  whether the client lets the connection be reused
 * @param readNanos  {@link System#nanoTime()} when the request had been read whole (the server's clock starts)
 * @param clientCertificate the subject of the certificate the client presented and the server verified over TLS,
 *                   or null (plain HTTP, or no certificate)
 */
public record HttpRequest(String method, String path, Map<String, String> headers, byte[] body, boolean keepAlive,
                          long readNanos, String clientCertificate) {
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
