package io.capkit.cli;

import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.provider.runtime.ProviderMain;
import io.capkit.renderer.Renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code capkit} command. Exit codes: 0 ok, 1 invalid input (one {@code file: path: problem} line per
 * problem on stderr), 2 usage. Later modules add their subcommands (webhook, provider, diff, promote,
 * flavors) to {@link #commandLine}.
 */
@Command(name = "capkit", mixinStandardHelpOptions = true, versionProvider = Capkit.Version.class,
    description = "GitOps toolkit for Cluster API fleets.",
    subcommands = {RenderCommand.class, ValidateCommand.class, ExplainCommand.class, FlavorsCommand.class,
        ServeCommands.Webhook.class,
        ServeCommands.Provider.class, CommandLine.HelpCommand.class})
public final class Capkit implements Runnable {
  public static final int OK = 0;
  public static final int INVALID_INPUT = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(out, err, args);
    // A `validate PATH...` that passed ends by returning from main: with no other thread left the JVM then exits
    // with 0 and runs the same shutdown hooks, while System.exit first looks up a System.Logger for its exit log
    // (JDK 21 and later), a service lookup that reads the whole class path, i.e. opens and indexes the 18,500-entry
    // capkit.jar (bench/RESULTS.md, "Validate"). Every other command, any exit with problems, and any run that left
    // a thread of its own goes through System.exit as before.
    if (code == OK && Thread.activeCount() == 1 && ValidateCommand.withoutPicocli(args) != null) {
      return;
    }
    System.exit(code);
  }

  /** Runs a command in-process, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    // `validate FILE...` from a pre-commit hook or an editor, and `render` of an output whose record says little or
    // nothing changed, skip picocli's start-up (see ValidateCommand and RenderCommand).
    ValidateCommand quickValidate = ValidateCommand.withoutPicocli(args);
    PromoteCommand quickPromote = quickValidate == null ? PromoteCommand.withoutPicocli(Capkit::renderer, args) : null;
    int code;
    try {
      Integer quick = quickValidate != null ? quickValidate.callWithoutPicocli(out, err)
          : quickPromote != null ? promoteWithoutPicocli(quickPromote, out, err)
          : args.length >= 2 && "provider".equals(args[0]) && "run".equals(args[1])
              // The long-running provider's plain flags, without picocli's ~170 classes (ProviderRunCommand).
              ? ProviderMain.withoutPicocli(err, Arrays.copyOfRange(args, 2, args.length))
          : RenderCommand.withoutPicocli(out, err, args);
      code = quick != null ? quick : commandLine(out, err).execute(args);
    } finally {
      // Only a render hands a lock over; a validate without picocli leaves RenderCommand (its class initialiser and
      // its thread-local) untouched.
      if (quickValidate == null) {
        RenderCommand.releaseHandoff();
      }
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * A promote made by {@link PromoteCommand#withoutPicocli}, run as picocli runs it: invalid input is the command's to
   * report; anything else that escapes it is printed as picocli prints an unhandled exception (its stack trace), exit 1.
   * It never runs twice: a promote may have pushed before it failed.
   */
  private static Integer promoteWithoutPicocli(PromoteCommand promote, PrintWriter out, PrintWriter err) {
    try {
      return promote.call(out, err);
    } catch (RuntimeException e) {
      e.printStackTrace(err);
      err.flush();
      return INVALID_INPUT;
    }
  }

  // The renderer diff and promote share: made on first use (schemas, flavors, rules).
  private static FleetRenderer renderer() {
    return FleetRenderer.of(Renderer::standard);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Capkit());
    FleetRenderer renderer = renderer();
    cl.addSubcommand("diff", new DiffCommand(renderer));
    cl.addSubcommand("promote", new PromoteCommand(renderer));
    cl.setOut(out);
    cl.setErr(err);
    // picocli already exits with 2 (USAGE) on invalid arguments.
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof InvalidInputException invalid) {
        for (Problem p : invalid.problems()) {
          commandLine.getErr().println(p.format());
        }
        return INVALID_INPUT;
      }
      throw e;
    });
    return cl;
  }

  @Override
  public void run() {
    throw UsageError.of(spec, "a command is required");
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Capkit.class.getPackage().getImplementationVersion();
      return new String[] {"capkit " + (v == null ? "development build" : v)};
    }
  }
}
