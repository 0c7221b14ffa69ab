package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.renderer.Background;
import io.capkit.renderer.DocumentValidator;
import io.capkit.renderer.ReleaseCatalog;
import io.capkit.renderer.schema.CrdSchemas;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check WorkloadCluster, FleetDefaults, Release and KVM files and rendered manifests.",
        "Rendered CAPI and Flux objects are checked against their CRD schemas (unknown fields are errors);",
        "CRDs come from --crds, else $CAPKIT_CRD_CACHE, else ~/.cache/capkit/upstream-crds."})
final class ValidateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PATH",
      description = "Files or folders (their *.yaml and *.yml files); with --git paths inside the commit"
          + " (default there: all of it).")
  List<String> paths = new ArrayList<>();

  @Mixin
  GitRef source;

  @Option(names = "--crds", paramLabel = "DIR", description = "Folder of CustomResourceDefinitions (repeatable).")
  List<Path> crds = new ArrayList<>();

  @Option(names = "--releases", paramLabel = "DIR",
      description = "Releases folder (<vX.Y.Z>/release.yaml): WorkloadClusters are also checked against the release "
          + "they name (exists, not wip, runs the flavor), as render does.")
  Path releases;

  @Override
  public Integer call() throws IOException {
    return validate(spec.commandLine().getOut());
  }

  /**
   * The command for {@code args} when they are {@code validate} followed only by paths and {@code --crds DIR} /
   * {@code --releases DIR} (also as {@code --name=DIR}), the way a pre-commit hook or an editor calls it; else
   * null. Parsing these needs none of picocli's reflection, which costs a short run a good part of its start-up;
   * anything else (help, --git, an option value that looks like an option, an {@code @file}) goes to picocli.
   * {@code ValidateCommandTest} checks that picocli reads the same arguments into the same fields.
   */
  static ValidateCommand withoutPicocli(String... args) {
    if (args.length < 2 || !"validate".equals(args[0])) {
      return null;
    }
    ValidateCommand command = new ValidateCommand();
    command.source = new GitRef();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      String option = arg;
      String value = null;
      if (arg.startsWith("--crds=") || arg.startsWith("--releases=")) {
        option = arg.substring(0, arg.indexOf('='));
        value = arg.substring(arg.indexOf('=') + 1);
      } else if ((arg.equals("--crds") || arg.equals("--releases")) && i + 1 < args.length) {
        value = args[++i];
      }
      if (value != null) {
        if (!plain(value)) {
          return null;
        }
        if (option.equals("--crds")) {
          command.crds.add(Path.of(value));
        } else if (command.releases == null) {
          command.releases = Path.of(value);
        } else {
          return null; // picocli refuses a repeated single-value option
        }
      } else if (plain(arg)) {
        command.paths.add(arg);
      } else {
        return null;
      }
    }
    return command.paths.isEmpty() ? null : command;
  }

  // Not empty, not an option, not an @argument-file: picocli would read it as this same string.
  private static boolean plain(String arg) {
    return !arg.isEmpty() && !arg.startsWith("-") && !arg.startsWith("@");
  }

  /**
   * Runs a command made by {@link #withoutPicocli} as picocli would: the exit code, or null when it failed otherwise
   * than with invalid input (picocli runs it again then and reports the failure its own way; validate writes nothing).
   */
  Integer callWithoutPicocli(PrintWriter out, PrintWriter err) {
    try {
      return validate(out);
    } catch (InvalidInputException e) {
      for (Problem p : e.problems()) {
        err.println(p.format());
      }
      return Capkit.INVALID_INPUT;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private int validate(PrintWriter out) throws IOException {
    // The CRD folders are listed (every link or special file in them is a problem) on a thread of their own while
    // the files are checked; a listing that failed fails the run as it did when the listing came first: its problems
    // (or its exception) and nothing else, whatever the files held.
    // slf4j binds its provider here, before any other thread of this run can make a logger: networknt makes its first
    // loggers as the contract compiles, on the rules' thread, while the main thread may compile a CRD's schema (with
    // networknt, making loggers too); a logger made while another thread binds is a substitute whose calls slf4j
    // records and replays, with a warning on stderr. Binding first, the rules' thread has that much less to do.
    LoggerFactory.getILoggerFactory();
    // The validator's rules (the contract's schema compiled, the rules set up: ~4 ms of a one-file run, interpreted)
    // are made on a thread of their own too, while the first file is read and parsed; what making them throws is
    // thrown when a file first needs them, or after the files when none did. The CRD listing starts when they are
    // made: the three together were more than two cores, and a file waits for the rules, not for the listing.
    Background<DocumentValidator.Rules> rules = Background.start("capkit-rules",
        () -> new DocumentValidator.Rules(Contract.standard()));
    CrdScan scan = CrdScan.start(crdFolders(), rules);
    int files;
    try {
      files = validateFiles(scan.trees(), rules);
    } catch (IOException | RuntimeException | Error e) {
      scan.rethrowFailure();
      rules.get();
      throw e;
    }
    scan.rethrowFailure();
    rules.get();
    out.println(files + " files valid");
    return Capkit.OK;
  }

  private int validateFiles(List<SourceTree> crdTrees, Background<DocumentValidator.Rules> rules)
      throws IOException {
    ReleaseCatalog catalog = releases == null ? null
        : ReleaseCatalog.read(DirectoryTree.open(releases), releases.toString());
    // CRDs are read when a file first needs them: a WorkloadCluster or KVM file needs none.
    // When a file first needs the rules, the main thread reads the compatibility matrix they read (once per process)
    // before it waits for them: it has time to spare then, and the rules' thread, still compiling the contract, finds
    // it read.
    DocumentValidator validator = new DocumentValidator(() -> {
      CompatibilityMatrix.standard();
      return rules.get();
    }, CrdSchemas.lazy(crdTrees), catalog);
    List<Problem> problems = new ArrayList<>();
    int files;
    try {
      files = source.given() ? source.read((tree, label) -> validateTree(tree, label, validator, problems))
          : validatePaths(validator, problems);
    } catch (CrdSchemas.Unreadable e) {
      throw e.problems();
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return files;
  }

  /**
   * {@link DirectoryTree#open} of each CRD folder, run in the {@link Background}: listing the upstream CRD cache (~70
   * files) cost a one-file validate ~3 ms of its main thread, and a WorkloadCluster or KVM file never reads it. {@link
   * #trees} are trees that wait for the listing when first asked (a file that needs a CRD); {@link #rethrowFailure}
   * waits for the listing's thread to end (so that none is left when {@code main} returns) and throws what it threw.
   * The listing starts once {@code after} (the validator's rules) is done, whatever that gave or threw: the main
   * thread gets that itself.
   */
  private static final class CrdScan {
    private final int count;
    private final Background<List<DirectoryTree>> listing;

    private CrdScan(List<Path> dirs, Background<?> after) {
      List<Path> copy = List.copyOf(dirs);
      this.count = copy.size();
      this.listing = copy.isEmpty() ? null : Background.start("capkit-crd-scan", () -> {
        try {
          after.get();
        } catch (RuntimeException | Error e) {
          // The main thread gets it and throws it there.
        }
        List<DirectoryTree> trees = new ArrayList<>();
        for (Path dir : copy) {
          trees.add(DirectoryTree.open(dir));
        }
        return trees;
      });
    }

    static CrdScan start(List<Path> dirs, Background<?> after) {
      return new CrdScan(dirs, after);
    }

    List<SourceTree> trees() {
      List<SourceTree> trees = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        trees.add(new SourceTree() {
          @Override
          public List<String> files() {
            return tree().files();
          }

          @Override
          public java.util.Optional<byte[]> read(String path) {
            return tree().read(path);
          }

          @Override
          public String describe() {
            return tree().describe();
          }

          private DirectoryTree tree() {
            return listing.get().get(index);
          }
        });
      }
      return trees;
    }

    void rethrowFailure() {
      if (listing != null) {
        listing.get();
      }
    }
  }

  private int validatePaths(DocumentValidator validator, List<Problem> problems) throws IOException {
    if (paths.isEmpty()) {
      throw UsageError.of(spec, "give at least one PATH, or --git");
    }
    int files = 0;
    for (String name : paths) {
      Path path = Path.of(name);
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        files += validateTree(DirectoryTree.open(path), path.toString() + "/", validator, problems);
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        files++;
        try {
          problems.addAll(validator.validate(path.toString(), DirectoryTree.readFile(path, path.toString()),
              ValidateCommand::readIfFile));
        } catch (InvalidInputException e) {
          problems.addAll(e.problems());
        }
      } else {
        problems.add(new Problem(path.toString(), null, "is not a file or folder (symbolic links are not followed)"));
      }
    }
    return files;
  }

  /** Validates the YAML files of {@code tree} (with --git: those under the given paths); returns how many. */
  private int validateTree(SourceTree tree, String label, DocumentValidator validator, List<Problem> problems) {
    int files = 0;
    for (String f : tree.files()) {
      boolean selected = !source.given() || paths.isEmpty()
          || paths.stream().anyMatch(p -> f.equals(p) || f.startsWith(p.endsWith("/") ? p : p + "/"));
      if (selected && (f.endsWith(".yaml") || f.endsWith(".yml"))) {
        files++;
        try {
          problems.addAll(validator.validate(label + f, tree.read(f).orElseThrow(),
              name -> name.startsWith(label) ? tree.read(name.substring(label.length()))
                  .map(b -> new String(b, StandardCharsets.UTF_8)) : java.util.Optional.empty()));
        } catch (InvalidInputException e) {
          problems.addAll(e.problems());
        }
      }
    }
    return files;
  }

  private static java.util.Optional<String> readIfFile(String name) {
    Path p = Path.of(name);
    try {
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          ? java.util.Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  // The CLI edge reads the environment; the validator itself only sees the loaded schemas.
  private List<Path> crdFolders() {
    if (!crds.isEmpty()) {
      return crds;
    }
    String env = System.getenv("CAPKIT_CRD_CACHE");
    Path cache = env != null && !env.isEmpty() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "capkit", "upstream-crds");
    return Files.isDirectory(cache) ? List.of(cache) : List.of();
  }
}
