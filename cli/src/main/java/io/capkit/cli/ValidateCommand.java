package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.renderer.DocumentValidator;
import io.capkit.renderer.Flavors;
import io.capkit.renderer.schema.CrdSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check WorkloadCluster, FleetDefaults and Release files and rendered manifests.",
        "Rendered CAPI and Flux objects are checked against their CRD schemas (unknown fields are errors);",
        "CRDs come from --crds, else $CAPKIT_CRD_CACHE, else ~/.cache/capkit/upstream-crds."})
final class ValidateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (their *.yaml and *.yml files).")
  List<Path> paths;

  @Option(names = "--crds", paramLabel = "DIR", description = "Folder of CustomResourceDefinitions (repeatable).")
  List<Path> crds = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<SourceTree> crdTrees = new ArrayList<>();
    for (Path dir : crdFolders()) {
      crdTrees.add(DirectoryTree.open(dir));
    }
    DocumentValidator validator = new DocumentValidator(Contract.standard(), Flavors.standard(), CrdSchemas.load(crdTrees));
    List<Problem> problems = new ArrayList<>();
    int files = 0;
    for (Path path : paths) {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        SourceTree tree = DirectoryTree.open(path);
        for (String f : tree.files()) {
          if (f.endsWith(".yaml") || f.endsWith(".yml")) {
            files++;
            problems.addAll(validator.validate(path.resolve(f).toString(),
                new String(tree.read(f).orElseThrow(), StandardCharsets.UTF_8)));
          }
        }
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        files++;
        problems.addAll(validator.validate(path.toString(), Files.readString(path, StandardCharsets.UTF_8)));
      } else {
        problems.add(new Problem(path.toString(), null, "is not a file or folder (symbolic links are not followed)"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    spec.commandLine().getOut().println(files + " files valid");
    return Capkit.OK;
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
