package io.capkit.cli;

import io.capkit.provider.runtime.ProviderRunCommand;
import io.capkit.webhook.WebhookConfig;
import io.capkit.webhook.WebhookServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The long-running servers: {@code capkit webhook serve} and {@code capkit provider run}. */
final class ServeCommands {
  private ServeCommands() {}

  @Command(name = "webhook", description = "Admission webhooks.", subcommands = WebhookServe.class)
  static final class Webhook implements Runnable {
    @Override
    public void run() {
      throw new IllegalStateException("use: capkit webhook serve --cert FILE --key FILE [--port N]");
    }
  }

  @Command(name = "serve", description = "Serve the defaulting and validating webhooks over HTTPS "
      + "(certificate and key re-read when they change).")
  static final class WebhookServe implements Callable<Integer> {
    @Option(names = "--cert", required = true, description = "PEM certificate chain (tls.crt).")
    Path cert;
    @Option(names = "--key", required = true, description = "PEM private key (tls.key).")
    Path key;
    @Option(names = "--port", defaultValue = "9443", description = "HTTPS port (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--bind-address", defaultValue = "0.0.0.0", description = "Address to listen on.")
    String bind;
    @Option(names = "--client-ca", paramLabel = "FILE", description = "PEM CA of the API server's client certificate:"
        + " reviews without a certificate chaining to it are refused (403); see docs/security.md.")
    Path clientCa;

    @Override
    public Integer call() throws Exception {
      WebhookConfig config = WebhookConfig.of(cert, key, port).withBindAddress(bind);
      WebhookServer.serve(clientCa == null ? config : config.withClientCa(clientCa));
      return Capkit.OK;
    }
  }

  @Command(name = "provider", description = "The KVM infrastructure provider.",
      subcommands = ProviderRunCommand.class)
  static final class Provider implements Runnable {
    @Override
    public void run() {
      throw new IllegalStateException("use: capkit provider run [--libvirt-uri URI] (see --help)");
    }
  }
}
