package io.capkit.gitops.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * JGit's smart-HTTP server (GitServlet) in a minimal Jetty on 127.0.0.1, serving bare repositories by name.
 * Optionally demands HTTP Basic credentials, and can refuse every push with a pre-receive hook, as a
 * protected branch would.
 */
public final class GitHttpServer implements AutoCloseable {
  private final Server jetty;
  private volatile String rejectPushesWith;

  public GitHttpServer(Map<String, Repository> repos, String user, String password) throws Exception {
    GitServlet git = new GitServlet();
    git.setRepositoryResolver((req, name) -> {
      Repository r = repos.get(name.endsWith(".git") ? name.substring(0, name.length() - 4) : name);
      if (r == null) {
        throw new RepositoryNotFoundException(name);
      }
      r.incrementOpen();
      return r;
    });
    git.setReceivePackFactory((req, db) -> {
      ReceivePack rp = new ReceivePack(db);
      rp.setPreReceiveHook((pack, commands) -> {
        String reason = rejectPushesWith;
        if (reason != null) {
          commands.forEach(c -> c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, reason));
        }
      });
      return rp;
    });
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    if (user != null) {
      String expected = "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8));
      Filter basic = (request, response, chain) -> {
        if (expected.equals(((HttpServletRequest) request).getHeader("Authorization"))) {
          chain.doFilter(request, response);
        } else {
          HttpServletResponse r = (HttpServletResponse) response;
          r.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
          r.sendError(401);
        }
      };
      context.addFilter(new FilterHolder(basic), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
    }
    context.addServlet(new ServletHolder(git), "/git/*");
    jetty.setHandler(context);
    jetty.start();
  }

  /** {@code http://127.0.0.1:PORT/git/NAME.git}. */
  public String url(String name) {
    int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    return "http://127.0.0.1:" + port + "/git/" + name + ".git";
  }

  /** From now on, every push is refused with this message (null: accept again). */
  public void rejectPushesWith(String reason) {
    rejectPushesWith = reason;
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }
}
