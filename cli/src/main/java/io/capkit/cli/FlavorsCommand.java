package io.capkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.CompatibilityTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "flavors", mixinStandardHelpOptions = true,
    description = "Show which flavor renders on which CAPI contract, with the API versions used or the reason it is refused.")
final class FlavorsCommand implements Callable<Integer> {
  enum Format { table, yaml, json }

  @Spec
  CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, yaml or json (default: ${DEFAULT-VALUE}).")
  Format output;

  @Override
  public Integer call() throws JsonProcessingException {
    CompatibilityMatrix matrix = CompatibilityMatrix.standard();
    String text = switch (output) {
      case table -> CompatibilityTable.text(matrix);
      case yaml -> CompatibilityTable.yaml(matrix);
      case json -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(java.util.Map.of("flavors", CompatibilityTable.documents(matrix))) + "\n";
    };
    spec.commandLine().getOut().print(text);
    return Capkit.OK;
  }
}
