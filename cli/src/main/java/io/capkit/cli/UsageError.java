package io.capkit.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Makes picocli's usage error (exit 2, message and usage on stderr). Commands throw what {@link #of} returns instead
 * of {@code new ParameterException(...)}, so that their own bytecode never names a picocli exception: the verifier
 * loads a class named in a {@code throw} (to check it is a {@code Throwable}) when the throwing class is linked, and
 * picocli (Java 5 bytecode) is never in the class-data archive, so that load opened and indexed the whole 18,500-entry
 * capkit.jar on every one-file {@code capkit validate}, which never builds picocli's model (bench/RESULTS.md, "Validate").
 */
final class UsageError {
  private UsageError() {}

  static RuntimeException of(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
