package io.capkit.provider.runtime;

import io.capkit.http.ConnectionLimits;
import io.capkit.http.HttpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A plain-HTTP server for probes and scrapes on one thread of the JDK's non-blocking sockets: each connection carries
 * one GET or HEAD and is closed after its answer ({@code Connection: close}; the kubelet's probes do not keep
 * connections alive, and a scrape every few seconds does not need to). The limits of a port a pod on the node can
 * reach ({@link ConnectionLimits}): a request head must arrive whole within {@link ConnectionLimits#request()} of the
 * accept and the answer be read within as long again, else the connection is closed; a head is at most
 * {@value #MAX_HEAD} bytes (431 otherwise); a client address holds at most {@link ConnectionLimits#maxPerPeer()}
 * connections, past that a connection is closed as soon as it is accepted; with
 * {@link ConnectionLimits#maxConnections()} open, new ones wait in the accept backlog until one closes (every open
 * connection is within its deadline: none is idle). A request body is never read (the connection closes after the
 * answer).
 *
 * <p>Why not the Netty server the webhook uses ({@code io.capkit.http.HttpServer}): in the provider it only answered
 * these four paths, and loading Netty for them cost about 600 classes, its threads and their code, 5 MiB of the
 * provider's peak RSS in the 500-machine benchmark (bench/RESULTS.md, docs/provider.md).
 */
final class ProbeServer implements AutoCloseable {
  static final int MAX_HEAD = 8192;
  private static final long TICK_MILLIS = 250;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final ConnectionLimits limits;
  private final BiFunction<String, String, HttpResponse> handler;
  private final Thread loop;
  private final SelectionKey acceptKey;
  /** Open connections per client address; the loop thread's only. */
  private final Map<InetAddress, Integer> perPeer = new HashMap<>();
  private int open;
  private volatile boolean closed;

  /** One connection: the head read so far, then the answer being written, and the deadline of the current step. */
  private static final class Conn {
    final InetAddress peer;
    final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
    ByteBuffer out;
    long deadline;

    Conn(InetAddress peer, long deadline) {
      this.peer = peer;
      this.deadline = deadline;
    }
  }

  /** {@code handler} answers (method, path); it runs on the server's one thread. */
  ProbeServer(InetSocketAddress address, ConnectionLimits limits, BiFunction<String, String, HttpResponse> handler)
      throws IOException {
    this.limits = limits;
    this.handler = handler;
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 64);
      server.configureBlocking(false);
      acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      server.close();
      selector.close();
      throw e;
    }
    loop = new Thread(this::run, "capkit-probes");
    loop.setDaemon(true);
    loop.start();
  }

  int port() {
    return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
  }

  private void run() {
    try {
      while (!closed) {
        selector.select(TICK_MILLIS);
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          try {
            if (!key.isValid()) {
              continue;
            }
            if (key.isAcceptable()) {
              accept();
            } else if (key.isReadable()) {
              read(key);
            } else if (key.isWritable()) {
              write(key);
            }
          } catch (IOException | RuntimeException e) {
            drop(key);
          }
        }
        expire(System.nanoTime());
      }
    } catch (IOException | ClosedSelectorException e) {
      // closed
    } finally {
      for (SelectionKey key : List.copyOf(selectorKeys())) {
        drop(key);
      }
    }
  }

  private java.util.Set<SelectionKey> selectorKeys() {
    try {
      return selector.keys();
    } catch (ClosedSelectorException e) {
      return java.util.Set.of();
    }
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while (open < limits.maxConnections() && (ch = server.accept()) != null) {
      InetAddress peer = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
      int mine = perPeer.getOrDefault(peer, 0);
      if (mine >= limits.maxPerPeer()) {
        ch.close();
        continue;
      }
      perPeer.put(peer, mine + 1);
      open++;
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ, new Conn(peer, System.nanoTime() + limits.request().toNanos()));
    }
    if (open >= limits.maxConnections()) {
      acceptKey.interestOps(0); // full: the rest wait in the backlog until a connection closes (drop)
    }
  }

  private void read(SelectionKey key) throws IOException {
    Conn c = (Conn) key.attachment();
    int n = ((SocketChannel) key.channel()).read(c.in);
    int end = headEnd(c.in);
    if (end < 0 && n >= 0 && c.in.hasRemaining()) {
      return; // more of the head to come, within its deadline
    }
    HttpResponse r;
    if (end >= 0) {
      r = answer(new String(c.in.array(), 0, end, StandardCharsets.ISO_8859_1));
    } else if (n < 0) {
      drop(key); // the client closed before a whole head
      return;
    } else {
      r = HttpResponse.text(431, "request header fields too large", "too_large");
    }
    c.out = ByteBuffer.wrap(encode(r));
    c.deadline = System.nanoTime() + limits.request().toNanos();
    key.interestOps(SelectionKey.OP_WRITE);
    write(key);
  }

  private void write(SelectionKey key) throws IOException {
    Conn c = (Conn) key.attachment();
    ((SocketChannel) key.channel()).write(c.out);
    if (!c.out.hasRemaining()) {
      drop(key);
    }
  }

  /** Closes connections whose current step is past its deadline (a half-sent head, an answer nobody reads). */
  private void expire(long now) {
    List<SelectionKey> late = new ArrayList<>();
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof Conn c && now - c.deadline > 0) {
        late.add(key);
      }
    }
    late.forEach(this::drop);
  }

  private void drop(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      // closing anyway
    }
    if (key.attachment() instanceof Conn c) {
      key.attach(null);
      open--;
      perPeer.computeIfPresent(c.peer, (p, v) -> v > 1 ? v - 1 : null);
      if (acceptKey.isValid() && acceptKey.interestOps() == 0) {
        acceptKey.interestOps(SelectionKey.OP_ACCEPT);
      }
    }
  }

  /** Where the head ends (the index after its blank line), or -1. */
  static int headEnd(ByteBuffer in) {
    byte[] b = in.array();
    for (int i = 3; i < in.position(); i++) {
      if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /** The request line of {@code head} to an answer: 400 unless it is {@code METHOD /target HTTP/1.x}. */
  HttpResponse answer(String head) {
    int eol = head.indexOf("\r\n");
    String[] line = head.substring(0, eol).split(" ", -1);
    if (line.length != 3 || !line[0].matches("[A-Z]{1,16}") || !line[1].startsWith("/")
        || !(line[2].equals("HTTP/1.1") || line[2].equals("HTTP/1.0"))) {
      return HttpResponse.text(400, "bad request", "bad_request");
    }
    int query = line[1].indexOf('?');
    return handler.apply(line[0], query < 0 ? line[1] : line[1].substring(0, query));
  }

  static byte[] encode(HttpResponse r) {
    StringBuilder h = new StringBuilder(128).append("HTTP/1.1 ").append(r.status()).append(' ')
        .append(reason(r.status())).append("\r\nContent-Type: ").append(r.contentType())
        .append("\r\nContent-Length: ").append(r.body().length).append("\r\n");
    r.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
    h.append("Connection: close\r\n\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + r.body().length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(r.body(), 0, all, head.length, r.body().length);
    return all;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      server.close();
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
