package io.capkit.webhook.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 requests, one after another, from one connection's byte stream: request line, headers,
 * {@code Content-Length} or chunked body. Bounded: the head to {@value #MAX_HEAD} bytes and {@value #MAX_HEADERS}
 * headers, the body to the limit given; anything outside is an {@link HttpProtocolException} carrying the status
 * to answer. Bytes after a request stay buffered for the next one (pipelining).
 */
public final class HttpRequestReader {
  static final int MAX_HEAD = 16 * 1024;
  static final int MAX_HEADERS = 100;
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final OutputStream out;
  private final int maxBody;
  private final byte[] buf = new byte[MAX_HEAD];
  private int pos;
  private int limit;

  /** {@code out} is only used for {@code 100 Continue}. */
  public HttpRequestReader(InputStream in, OutputStream out, int maxBody) {
    this.in = in;
    this.out = out;
    this.maxBody = maxBody;
  }

  /** Blocks until the next request's first byte is here; false when the peer closed the connection instead. */
  public boolean awaitRequest() throws IOException {
    return pos < limit || fill() > 0;
  }

  /** Reads the request whose first byte {@link #awaitRequest()} saw, stamped with the time its last byte came. */
  public HttpRequest read() throws IOException, HttpProtocolException {
    int headEnd = headEnd();
    String head = new String(buf, pos, headEnd - pos, StandardCharsets.ISO_8859_1);
    pos = headEnd + 4;
    int eol = head.indexOf("\r\n");
    String[] start = (eol < 0 ? head : head.substring(0, eol)).split(" ", -1);
    if (start.length != 3 || start[0].isEmpty() || !start[1].startsWith("/") || !start[2].startsWith("HTTP/1.")) {
      throw new HttpProtocolException(400, "malformed request line");
    }
    Map<String, String> headers = new HashMap<>();
    String length = null;
    int fields = 0;
    for (int from = eol + 2; eol >= 0 && from <= head.length(); from = eol + 2) {
      eol = head.indexOf("\r\n", from);
      String line = head.substring(from, eol < 0 ? head.length() : eol);
      if (++fields > MAX_HEADERS) {
        throw new HttpProtocolException(431, "more than " + MAX_HEADERS + " header fields");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new HttpProtocolException(400, "malformed header field");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (name.equals("content-length")) {
        if (length != null && !length.equals(value)) {
          throw new HttpProtocolException(400, "conflicting Content-Length headers");
        }
        length = value;
      }
      headers.put(name, value);
    }
    String te = headers.get("transfer-encoding");
    if (te != null && length != null) {
      throw new HttpProtocolException(400, "both Transfer-Encoding and Content-Length");
    }
    if (te != null && !te.equalsIgnoreCase("chunked")) {
      throw new HttpProtocolException(501, "Transfer-Encoding " + te + " is not supported");
    }
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean keepAlive = start[2].equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
    long declared = length == null ? 0 : parseLength(length);
    if (declared > maxBody) {
      throw new HttpProtocolException(413, "request body larger than " + maxBody + " bytes");
    }
    if ((te != null || declared > 0) && "100-continue".equalsIgnoreCase(headers.get("expect"))) {
      out.write(CONTINUE);
      out.flush();
    }
    byte[] body = te != null ? chunked() : exactly((int) declared);
    int q = start[1].indexOf('?');
    return new HttpRequest(start[0], q < 0 ? start[1] : start[1].substring(0, q), headers, body, keepAlive,
        System.nanoTime());
  }

  private static long parseLength(String value) throws HttpProtocolException {
    if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new HttpProtocolException(400, "malformed Content-Length");
    }
    return Long.parseLong(value);
  }

  /** The index of the CRLFCRLF ending the head, compacting and filling the buffer as needed. */
  private int headEnd() throws IOException, HttpProtocolException {
    int scanned = pos;
    while (true) {
      for (int i = Math.max(scanned, pos); i + 3 < limit; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
          return i;
        }
      }
      scanned = Math.max(pos, limit - 3);
      if (pos > 0) {
        scanned -= pos;
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      if (limit == buf.length) {
        throw new HttpProtocolException(431, "request head larger than " + MAX_HEAD + " bytes");
      }
      if (fill() < 0) {
        throw new HttpProtocolException(400, "connection closed inside the request head");
      }
    }
  }

  private byte[] exactly(int n) throws IOException, HttpProtocolException {
    byte[] body = new byte[n];
    int got = Math.min(n, limit - pos);
    System.arraycopy(buf, pos, body, 0, got);
    pos += got;
    while (got < n) {
      int r = in.read(body, got, n - got);
      if (r < 0) {
        throw new HttpProtocolException(400, "connection closed inside the request body");
      }
      got += r;
    }
    return body;
  }

  private byte[] chunked() throws IOException, HttpProtocolException {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (true) {
      String line = line();
      int semi = line.indexOf(';');
      String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
      if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new HttpProtocolException(400, "malformed chunk size");
      }
      int size = Integer.parseInt(hex, 16);
      if (size == 0) {
        while (!line().isEmpty()) {
          // trailer fields are read and dropped
        }
        return body.toByteArray();
      }
      if (body.size() + (long) size > maxBody) {
        throw new HttpProtocolException(413, "request body larger than " + maxBody + " bytes");
      }
      body.write(exactly(size));
      if (!line().isEmpty()) {
        throw new HttpProtocolException(400, "chunk not followed by CRLF");
      }
    }
  }

  private String line() throws IOException, HttpProtocolException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos == limit && fill() < 0) {
        throw new HttpProtocolException(400, "connection closed inside the chunked body");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      if (sb.length() >= 1024) {
        throw new HttpProtocolException(400, "chunk header line too long");
      }
      sb.append((char) (b & 0xff));
    }
  }

  /** Reads more bytes behind {@code limit} (compacting first when the buffer is full); -1 at end of stream. */
  private int fill() throws IOException {
    if (pos == limit) {
      pos = 0;
      limit = 0;
    } else if (limit == buf.length && pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    int r = in.read(buf, limit, buf.length - limit);
    if (r > 0) {
      limit += r;
    }
    return r;
  }
}
