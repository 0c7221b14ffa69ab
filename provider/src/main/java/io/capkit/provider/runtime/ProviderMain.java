package io.capkit.provider.runtime;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
    System.exit(run(args));
  }

  static int run(String... args) {
    Integer quick = withoutPicocli(new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
    return quick != null ? quick : commandLine().execute(args);
  }

  /**
   * Runs the provider when its flags ({@code args}, those after {@code run}) are plain ones read without picocli
   * ({@link ProviderRunCommand#withoutPicocli}), as picocli runs it: problems to {@code err}; an exception that escapes
   * the command is printed as picocli prints one (its stack trace), exit 1. Null when picocli must parse the flags.
   */
  public static Integer withoutPicocli(PrintWriter err, String... args) {
    ProviderRunCommand quick = ProviderRunCommand.withoutPicocli(args);
    if (quick == null) {
      return null;
    }
    try {
      return quick.call(err);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      e.printStackTrace(err);
      err.flush();
      return 1;
    }
  }

  static CommandLine commandLine() {
    return new CommandLine(new ProviderRunCommand()).setCommandName("capkit-kvm-provider");
  }
}
