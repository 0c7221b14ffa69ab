package io.capkit.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on Netty, the one capkit runs: HTTPS for the admission webhook, plain HTTP for the
 * provider's health and metrics port. A few event-loop threads (one per CPU by default) each own many connections,
 * TLS through {@link SslContext} (BoringSSL where it loads), keep-alive, and a time limit on every step a peer controls
 * (handshake, each request, idle, the peer reading the answer; see {@link ConnectionDeadline}). What one client can
 * hold is bounded: {@link ConnectionLimits#maxPerPeer()} connections per address; at
 * {@link ConnectionLimits#maxConnections()} a new connection replaces the one idle longest, so idle connections,
 * however many, never keep a working client out. Requests with small bodies are handled on their event loop at once,
 * those with large bodies on a bounded pool ({@link Workers}), so a burst of large requests delays neither probes nor
 * small requests. A slow or silent peer costs a connection's buffers, never a thread.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private static final AttributeKey<ConnectionDeadline> DEADLINE = AttributeKey.valueOf("capkit-deadline");
  /** Netty's switch for buffer leak detection (and its older spelling); set, it wins over {@link #leakDetection}. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";
  static final String LEAK_DETECTION_OLD = "io.netty.leakDetectionLevel";

  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final Workers workers;
  private final Channel listener;
  private final ChannelGroup open = new DefaultChannelGroup("capkit-http", GlobalEventExecutor.INSTANCE);
  private final ConcurrentHashMap<InetAddress, Integer> perPeer = new ConcurrentHashMap<>();
  private final AtomicLong refusedPerPeer = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final ConnectionLimits limits;
  private final String transport;

  private HttpServer(SslContext tls, InetSocketAddress address, ConnectionLimits limits, int threads,
                     int maxBody, HttpHandler handler) throws IOException {
    leakDetection();
    this.limits = limits;
    boolean epoll = Epoll.isAvailable();
    this.transport = epoll ? "epoll" : "nio";
    String name = tls == null ? "capkit-http" : "capkit-https";
    this.acceptor = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true))
        : new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true));
    this.loops = epoll ? new EpollEventLoopGroup(threads, new DefaultThreadFactory(name, true))
        : new NioEventLoopGroup(threads, new DefaultThreadFactory(name, true));
    this.workers = new Workers(threads);
    Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b = new ServerBootstrap().group(acceptor, loops).channel(channel)
        .option(ChannelOption.SO_BACKLOG, 512)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (!admitted(ch)) {
              return;
            }
            ConnectionDeadline deadline = new ConnectionDeadline(limits, tls != null, () -> wentIdle(ch.parent()));
            ch.attr(DEADLINE).set(deadline);
            ChannelPipeline p = ch.pipeline();
            if (tls != null) {
              SslHandler ssl = tls.newHandler(ch.alloc());
              ssl.setHandshakeTimeoutMillis(limits.handshake().toMillis());
              p.addLast("tls", ssl);
            }
            p.addLast("deadline", deadline);
            p.addLast("decoder", new StrictRequestDecoder());
            p.addLast("encoder", new HttpResponseEncoder());
            p.addLast("body", new BoundedBodyAggregator(maxBody, handler));
            p.addLast("handler", new RequestDispatcher(handler, deadline, workers));
          }
        });
    try {
      this.listener = b.bind(address).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      shutdown();
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  /**
   * Netty's buffer leak detection off unless {@value #LEAK_DETECTION} says otherwise: its default level samples
   * buffer allocations on every request (4.8 % of the webhook's Java CPU on the benchmark) to find leaks this server
   * does not have; the tests of the modules that serve HTTP run with it at {@code paranoid}, where a leak would show.
   */
  static void leakDetection() {
    if (System.getProperty(LEAK_DETECTION) == null && System.getProperty(LEAK_DETECTION_OLD) == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /**
   * Binds and starts serving HTTPS on {@code threads} event loops; every connection's
   * handshake asks {@code tls} (and its key manager) afresh, so a rotated certificate applies to the next handshake.
   */
  public static HttpServer start(SslContext tls, InetSocketAddress address, ConnectionLimits limits,
                                 int threads, int maxBody, HttpHandler handler) throws IOException {
    if (tls == null) {
      throw new IllegalArgumentException("an HTTPS server needs a TLS context; use startPlain for plain HTTP");
    }
    return new HttpServer(tls, address, limits, threads, maxBody, handler);
  }

  /** The same server in plain HTTP: for a health and metrics port that carries no secret. */
  public static HttpServer startPlain(InetSocketAddress address, ConnectionLimits limits, int threads, int maxBody,
                                      HttpHandler handler) throws IOException {
    return new HttpServer(null, address, limits, threads, maxBody, handler);
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.size();
  }

  /** Connections closed at accept because their address already held {@link ConnectionLimits#maxPerPeer()}. */
  public long refusedPerPeer() {
    return refusedPerPeer.get();
  }

  /** Idle connections closed to make room for a new one at {@link ConnectionLimits#maxConnections()}. */
  public long evicted() {
    return evicted.get();
  }

  /** "epoll" or "nio": the transport in use. */
  public String transport() {
    return transport;
  }

  /**
   * Counts a new connection, or closes it at once when its address is at its cap. At the total limit the connection
   * idle longest is closed to make room; when none is idle the listener stops accepting, so further connections wait
   * in the backlog (as with a blocking accept loop) until one closes.
   */
  private boolean admitted(Channel ch) {
    InetAddress peer = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    if (peer != null) {
      int held = perPeer.merge(peer, 1, Integer::sum);
      ch.closeFuture().addListener(f -> perPeer.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1));
      if (held > limits.maxPerPeer()) {
        refusedPerPeer.incrementAndGet();
        LOG.debug("closing a connection from {}: it holds {} already", peer.getHostAddress(), held - 1);
        ch.close();
        return false;
      }
    }
    Channel server = ch.parent();
    if (open.size() >= limits.maxConnections() && !evictIdlest()) {
      server.config().setAutoRead(false);
    }
    open.add(ch);
    // The group drops a closed channel in a listener added before this one, so the size is already down.
    ch.closeFuture().addListener(f -> {
      if (open.size() < limits.maxConnections()) {
        server.config().setAutoRead(true);
      }
    });
    return true;
  }

  /** A connection went idle: if accepting was paused because every connection was busy, there is room again. */
  private static void wentIdle(Channel server) {
    if (!server.config().isAutoRead()) {
      server.config().setAutoRead(true);
    }
  }

  private boolean evictIdlest() {
    Channel idlest = null;
    long since = Long.MAX_VALUE;
    for (Channel c : open) {
      ConnectionDeadline d = c.attr(DEADLINE).get();
      long s = d == null ? Long.MAX_VALUE : d.idleSince();
      if (s < since) {
        since = s;
        idlest = c;
      }
    }
    if (idlest == null) {
      return false;
    }
    evicted.incrementAndGet();
    open.remove(idlest);
    idlest.close();
    return true;
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdown();
  }

  private void shutdown() {
    workers.close();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    LOG.debug("http server stopped");
  }
}
