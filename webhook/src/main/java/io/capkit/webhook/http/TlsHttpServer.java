package io.capkit.webhook.http;

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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTPS/1.1 server on Netty: a few event-loop threads (one per CPU by default) each own many connections,
 * TLS through {@link SslContext} (BoringSSL where it loads), keep-alive, and a time limit on every step a peer controls
 * (handshake, each request, idle, the peer reading the answer; see {@link ConnectionDeadline}). Requests are handled
 * on their connection's event loop, so a request once read whole never waits for a thread: the handler must only do
 * CPU work. A slow or silent peer costs a connection's buffers, never a thread.
 */
public final class TlsHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsHttpServer.class);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final Channel listener;
  private final ChannelGroup open = new DefaultChannelGroup("capkit-https", GlobalEventExecutor.INSTANCE);
  private final int maxConnections;
  private final String transport;

  private TlsHttpServer(SslContext tls, InetSocketAddress address, ConnectionLimits limits, int threads,
                        int maxBody, HttpHandler handler) throws IOException {
    this.maxConnections = limits.maxConnections();
    boolean epoll = Epoll.isAvailable();
    this.transport = epoll ? "epoll" : "nio";
    this.acceptor = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("capkit-https-accept", true))
        : new NioEventLoopGroup(1, new DefaultThreadFactory("capkit-https-accept", true));
    this.loops = epoll ? new EpollEventLoopGroup(threads, new DefaultThreadFactory("capkit-https", true))
        : new NioEventLoopGroup(threads, new DefaultThreadFactory("capkit-https", true));
    Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b = new ServerBootstrap().group(acceptor, loops).channel(channel)
        .option(ChannelOption.SO_BACKLOG, 512)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            admitted(ch);
            SslHandler ssl = tls.newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(limits.handshake().toMillis());
            ConnectionDeadline deadline = new ConnectionDeadline(limits);
            ChannelPipeline p = ch.pipeline();
            p.addLast("tls", ssl);
            p.addLast("deadline", deadline);
            p.addLast("decoder", new StrictRequestDecoder());
            p.addLast("encoder", new HttpResponseEncoder());
            p.addLast("body", new BoundedBodyAggregator(maxBody, handler));
            p.addLast("handler", new RequestDispatcher(handler, deadline));
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
   * Binds and starts serving on {@code threads} event loops; every connection's handshake asks {@code tls} (and its
   * key manager) afresh, so a rotated certificate applies to the next handshake.
   */
  public static TlsHttpServer start(SslContext tls, InetSocketAddress address, ConnectionLimits limits,
                                    int threads, int maxBody, HttpHandler handler) throws IOException {
    return new TlsHttpServer(tls, address, limits, threads, maxBody, handler);
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.size();
  }

  /** "epoll" or "nio": the transport in use. */
  public String transport() {
    return transport;
  }

  /**
   * Counts a new connection; at the limit the listener stops accepting, so further connections wait in the backlog
   * (as with a blocking accept loop) until one closes.
   */
  private void admitted(Channel ch) {
    open.add(ch);
    Channel server = ch.parent();
    if (open.size() >= maxConnections) {
      server.config().setAutoRead(false);
    }
    // The group drops a closed channel in a listener added before this one, so the size is already down.
    ch.closeFuture().addListener(f -> {
      if (open.size() < maxConnections) {
        server.config().setAutoRead(true);
      }
    });
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdown();
  }

  private void shutdown() {
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    LOG.debug("https server stopped");
  }
}
