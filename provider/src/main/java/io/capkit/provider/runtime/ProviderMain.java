package io.capkit.provider.runtime;

import picocli.CommandLine;

/**
 * Container entry point: {@code java -cp ... io.capkit.provider.runtime.ProviderMain [--libvirt-uri URI ...]}, the
 * same flags and help as {@code capkit provider run}.
 */
public final class ProviderMain {
  private ProviderMain() {}

  public static void main(String[] args) {
    // Before anything starts a CompletableFuture (see AsyncPool).
    AsyncPool.ensure();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new ProviderRunCommand()).setCommandName("capkit-kvm-provider");
  }
}
