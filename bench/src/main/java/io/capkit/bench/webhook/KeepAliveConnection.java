package io.capkit.bench.webhook;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection over TLS that stays open between requests: the request is written in one piece, the answer
 * read by Content-Length or chunked encoding. Deliberately small, so that the client costs little CPU beside the
 * servers.
 */
public final class KeepAliveConnection implements AutoCloseable {
  /** One answer: status and body. */
  public record Answer(int status, byte[] body) {}

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;
  private final ByteArrayOutputStream request = new ByteArrayOutputStream(4096);

  public KeepAliveConnection(SSLContext tls, String host, int port) throws IOException {
    this.host = host + ":" + port;
    socket = (SSLSocket) tls.getSocketFactory().createSocket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    SSLParameters p = socket.getSSLParameters();
    // The certificate names 127.0.0.1; check it like a client of a Service name would.
    p.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(p);
    socket.startHandshake();
    in = new BufferedInputStream(socket.getInputStream(), 16384);
    out = socket.getOutputStream();
  }

  public Answer post(String path, byte[] body) throws IOException {
    request.reset();
    ascii("POST " + path + " HTTP/1.1\r\nHost: " + host
        + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n");
    request.write(body);
    request.writeTo(out);
    out.flush();
    return read();
  }

  public Answer get(String path) throws IOException {
    request.reset();
    ascii("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    request.writeTo(out);
    out.flush();
    return read();
  }

  private Answer read() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String h; !(h = line()).isEmpty(); ) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
        body.write(in.readNBytes(size));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      return new Answer(code, body.toByteArray());
    }
    if (length < 0) {
      throw new IOException("answer without Content-Length on a keep-alive connection");
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length != length) {
      throw new EOFException("connection closed inside the body");
    }
    return new Answer(code, body);
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new EOFException("connection closed");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private void ascii(String s) {
    request.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
