package io.capkit.bench.webhook;

import io.capkit.api.infra.HostCatalog;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseComponent;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.release.ReleaseState;
import io.capkit.webhook.WebhookConfig;
import io.capkit.webhook.WebhookServer;
import io.capkit.webhook.admission.ReleaseLookup;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The capkit side of the admission benchmark, run in its own JVM so that its RSS is its own: capkit's
 * {@link WebhookServer} with the standard endpoints and an in-memory {@link ReleaseLookup} holding
 * {@link ClusterReview#RELEASE}. Prints {@code capkit-webhook-port=<port>} when it serves; exits when stdin closes,
 * so it never outlives the harness.
 *
 * <p>Usage: {@code CapkitWebhookMain <tls.crt> <tls.key> [threads]} (threads: event loops; default
 * the server's, one per CPU).
 */
public final class CapkitWebhookMain {
  public static final String PORT_LINE = "capkit-webhook-port=";

  private CapkitWebhookMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: CapkitWebhookMain <tls.crt> <tls.key> [threads]");
      System.exit(2);
    }
    WebhookConfig defaults = WebhookConfig.of(Path.of(args[0]), Path.of(args[1]), 0);
    WebhookConfig config = defaults.withBindAddress("127.0.0.1").withReloadInterval(Duration.ofSeconds(10));
    if (args.length == 3) {
      config = config.withThreads(Integer.parseInt(args[2]));
    }
    Map<String, Release> releases = Map.of(ClusterReview.RELEASE, release(ClusterReview.RELEASE));
    ReleaseLookup lookup = name -> Optional.ofNullable(releases.get(name));
    WebhookServer server = WebhookServer.start(config, lookup, HostCatalog.of(java.util.Map.of()));
    System.out.println(PORT_LINE + server.port());
    System.out.flush();
    // Blocks until the harness closes our stdin (or dies).
    while (System.in.read() >= 0) {
      // input is ignored
    }
    server.close();
    System.exit(0);
  }

  static Release release(String name) {
    Release r = new Release();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ReleaseSpec spec = new ReleaseSpec();
    spec.setComponents(List.of(new ReleaseComponent(Release.KUBERNETES, ClusterReview.KUBERNETES)));
    spec.setDate("2026-06-01T00:00:00Z");
    spec.setState(ReleaseState.ACTIVE);
    r.setSpec(spec);
    return r;
  }
}
