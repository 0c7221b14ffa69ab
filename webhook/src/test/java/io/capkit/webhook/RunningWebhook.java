package io.capkit.webhook;

import io.capkit.testsupport.SelfSignedCertificate.KeyFormat;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.webhook.admission.ReleaseLookup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A webhook server on 127.0.0.1 with a fresh self-signed certificate, and an HTTPS client that trusts it. */
final class RunningWebhook implements AutoCloseable {
  final Path dir;
  final SelfSignedCertificate pair;
  final WebhookServer server;
  final HttpClient client;

  RunningWebhook(Path dir, ReleaseLookup releases, Duration reload) throws Exception {
    this(dir, releases, reload, SelfSignedCertificate.generate("capkit-webhook", KeyFormat.PKCS8_RSA));
  }

  RunningWebhook(Path dir, ReleaseLookup releases, Duration reload, SelfSignedCertificate pair) throws Exception {
    this.dir = dir;
    this.pair = pair;
    pair.writeTo(dir);
    WebhookConfig config = new WebhookConfig(dir.resolve("tls.crt"), dir.resolve("tls.key"), 0, "127.0.0.1", reload,
        4, WebhookConfig.DEFAULT_MAX_BODY);
    this.server = WebhookServer.start(config, releases);
    this.client = client(pair.trustingContext());
  }

  static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  URI uri(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
    return post(client, path, body);
  }

  HttpResponse<byte[]> post(HttpClient c, String path, byte[] body) throws IOException, InterruptedException {
    return c.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A raw TLS connection (5 s read timeout), for requests an HTTP client would not send. */
  SSLSocket connect() throws IOException {
    SSLSocket s = (SSLSocket) pair.trustingContext().getSocketFactory().createSocket("127.0.0.1", server.port());
    s.setSoTimeout(5000);
    return s;
  }

  /** Writes a JSON POST as-is: the head says {@code contentLength}, whatever {@code body} holds. */
  static void post(OutputStream out, String path, long contentLength, byte[] body) throws IOException {
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /** Reads one HTTP/1.1 response with a Content-Length body from a raw stream; returns head + body as text. */
  static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.close();
  }
}
