package io.capkit.webhook.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTPS/1.1 server: one thread per open connection (bounded by {@link ConnectionLimits#maxConnections()}),
 * blocking TLS sockets, keep-alive, and a time limit on every step a peer controls (handshake, each request, idle,
 * writing the answer). A slow or silent peer therefore only ever holds its own connection, never a worker that
 * other requests wait for, and only for a bounded time. Requests are handled on their connection's thread: no hand-off
 * between threads on the request path.
 */
public final class TlsHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsHttpServer.class);

  private final ServerSocket listener;
  private final SSLSocketFactory tls;
  private final SSLParameters parameters;
  private final ConnectionLimits limits;
  private final int maxBody;
  private final HttpHandler handler;
  private final Semaphore slots;
  private final Semaphore processing;
  private final ThreadPoolExecutor connections;
  private final ScheduledExecutorService watchdog;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private TlsHttpServer(SSLContext ssl, SSLParameters parameters, InetSocketAddress address, ConnectionLimits limits,
                        int workers, int maxBody, HttpHandler handler) throws IOException {
    this.limits = limits;
    this.maxBody = maxBody;
    this.handler = handler;
    this.slots = new Semaphore(limits.maxConnections());
    this.processing = new Semaphore(workers, true);
    this.tls = ssl.getSocketFactory();
    this.parameters = parameters;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(address, 512);
    AtomicInteger n = new AtomicInteger();
    this.connections = new ThreadPoolExecutor(0, limits.maxConnections(), 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> daemon(r, "capkit-https-" + n.incrementAndGet()));
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "capkit-https-watchdog"));
    watchdog.scheduleWithFixedDelay(this::closeStuckWriters, 1, 1, TimeUnit.SECONDS);
    this.acceptor = daemon(this::accept, "capkit-https-accept");
    acceptor.start();
  }

  /**
   * Binds and starts serving; {@code parameters} (protocols, cipher suites) apply to every connection, at most
   * {@code workers} requests are handled at once (in arrival order), whatever the number of connections.
   */
  public static TlsHttpServer start(SSLContext ssl, SSLParameters parameters, InetSocketAddress address,
                                    ConnectionLimits limits, int workers, int maxBody, HttpHandler handler)
      throws IOException {
    return new TlsHttpServer(ssl, parameters, address, limits, workers, maxBody, handler);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.size();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void accept() {
    while (!closed) {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        return;
      }
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        slots.release();
        if (!closed) {
          LOG.warn("accept failed: {}", e.toString());
        }
        continue;
      }
      Connection c = new Connection(socket);
      open.add(c);
      try {
        connections.execute(c);
      } catch (RuntimeException e) {
        c.close();
      }
    }
  }

  /** Blocking writes have no timeout of their own: a peer that stops reading would hold its thread forever. */
  private void closeStuckWriters() {
    long now = System.nanoTime();
    long limit = limits.request().toNanos();
    for (Connection c : open) {
      long since = c.writingSince;
      if (since != 0 && now - since > limit) {
        LOG.debug("closing a connection whose peer stopped reading");
        c.close();
      }
    }
  }

  /** TLS is layered over a plain socket we keep, so that closing it always unblocks a stuck read or write. */
  private final class Connection implements Runnable {
    private final Socket raw;
    private volatile long writingSince;

    Connection(Socket raw) {
      this.raw = raw;
    }

    @Override
    public void run() {
      try {
        raw.setTcpNoDelay(true);
        raw.setSoTimeout((int) limits.handshake().toMillis());
        SSLSocket socket = (SSLSocket) tls.createSocket(raw, null, true);
        socket.setUseClientMode(false);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        DeadlineInputStream in = new DeadlineInputStream(raw, socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        HttpRequestReader reader = new HttpRequestReader(in, out, maxBody);
        in.idle(limits.firstRequest().toMillis());
        while (!closed && reader.awaitRequest()) {
          in.arm(limits.request().toMillis());
          if (!serveOne(reader, out)) {
            break;
          }
          in.idle(limits.idle().toMillis());
        }
      } catch (SocketTimeoutException e) {
        LOG.debug("closing a connection that was too slow: {}", e.getMessage());
      } catch (IOException | RuntimeException e) {
        LOG.debug("connection ended: {}", e.toString());
      } finally {
        close();
      }
    }

    /** Reads, handles and answers one request; false when the connection must close afterwards. */
    private boolean serveOne(HttpRequestReader reader, OutputStream out) throws IOException {
      HttpRequest request;
      try {
        request = reader.read();
      } catch (HttpProtocolException e) {
        handler.refused(e.status());
        write(out, HttpResponse.text(e.status(), e.getMessage(), "protocol_error").closing());
        return false;
      }
      // Only CPU work holds a slot: never a read or a write a peer can slow down.
      processing.acquireUninterruptibly();
      HttpResponse response;
      try {
        response = handler.handle(request);
      } finally {
        processing.release();
      }
      if (!request.keepAlive()) {
        response = response.closing();
      }
      try {
        write(out, response);
      } finally {
        handler.written(request, response, System.nanoTime() - request.readNanos());
      }
      return !response.close();
    }

    private void write(OutputStream out, HttpResponse r) throws IOException {
      StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(r.status()).append(' ')
          .append(reason(r.status())).append("\r\nContent-Type: ").append(r.contentType())
          .append("\r\nContent-Length: ").append(r.body().length).append("\r\n");
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      if (r.close()) {
        head.append("Connection: close\r\n");
      }
      head.append("\r\n");
      byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = new byte[h.length + r.body().length];
      System.arraycopy(h, 0, all, 0, h.length);
      System.arraycopy(r.body(), 0, all, h.length, r.body().length);
      writingSince = System.nanoTime();
      try {
        out.write(all);
        out.flush();
      } finally {
        writingSince = 0;
      }
    }

    void close() {
      if (open.remove(this)) {
        slots.release();
      }
      try {
        raw.close();
      } catch (IOException e) {
        LOG.trace("close: {}", e.toString());
      }
    }
  }

  static String reason(int status) {
    return switch (status) {
      case 100 -> "Continue";
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.trace("close listener: {}", e.toString());
    }
    acceptor.interrupt();
    open.forEach(Connection::close);
    watchdog.shutdownNow();
    connections.shutdownNow();
  }
}
