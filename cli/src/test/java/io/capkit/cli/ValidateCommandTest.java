package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.CrdSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capkit validate} on fleet files, releases and rendered manifests. */
class ValidateCommandTest {
  private static final Path ROOT = CrdSources.repoRoot();

  /** The folder holding the upstream CRD groups (capi/, flux/, …). */
  static Path crds() {
    return CrdSources.upstream("capi").getParent();
  }

  @Test
  void exampleFleetReleasesAndRenderedOutputAreValid(@TempDir Path tmp) {
    Path out = tmp.resolve("out");
    assertEquals(0, CapkitCommandTest.run("render", "--fleet", ROOT.resolve("fleet-repo-example").toString(),
        "--releases", ROOT.resolve("releases").toString(), "--out", out.toString()).code());
    CapkitCommandTest.Run r = CapkitCommandTest.run("validate", "--crds", crds().toString(),
        ROOT.resolve("fleet-repo-example").toString(), ROOT.resolve("releases").toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("48 files valid\n", r.out());
  }

  /** Issue 17: what a hostile tenant (or a careless admin) writes is refused file by file, with the field path. */
  @Test
  void hostileTenantInputsAreRefused(@TempDir Path tmp) throws IOException {
    Path wc = tmp.resolve("cluster.yaml");
    Files.writeString(wc, """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: sneaky, namespace: kube-system}
        spec: {release: v1.1.0, variables: {WORKER_MACHINE_MEMORY: 8000000Ti, KVM_HOSTS: "qemu+ssh://x/system"}}
        """);
    Path host = tmp.resolve("host.yaml");
    Files.writeString(host, """
        apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
        kind: KVMHost
        metadata: {name: kvm-1}
        spec: {uri: "qemu+ssh://h/system?command=/opt/x&no_verify=1", storagePool: vms, network: br0}
        """);
    Path release = tmp.resolve("release.yaml");
    Files.writeString(release, Files.readString(ROOT.resolve("releases/v1.1.0/release.yaml"))
        .replace("https://helm.cilium.io", "http://helm.cilium.io"));
    CapkitCommandTest.Run r = CapkitCommandTest.run("validate", "--crds", crds().resolve("capi").toString(),
        wc.toString(), host.toString(), release.toString());
    assertEquals(1, r.code());
    String err = r.err();
    assertTrue(err.contains(wc + ": metadata.namespace: \"kube-system\" is exempt from the admission webhooks"), err);
    assertTrue(err.contains(wc + ": spec.variables.WORKER_MACHINE_MEMORY: \"8000000Ti\" is more than 16Ti"), err);
    assertTrue(err.contains(wc + ": spec.variables.KVM_HOSTS: host \"qemu+ssh://x/system\" is not a DNS-1123 label"),
        err);
    assertTrue(err.contains(host + ": spec.uri: \"qemu+ssh://h/system?command=/opt/x&no_verify=1\" has query "
        + "parameters"), err);
    assertTrue(err.contains(release + ": spec.apps[0].chart.repository: \"http://helm.cilium.io\" is not an "
        + "https:// or oci:// URL"), err);
    assertEquals(5, err.lines().count(), err);
  }

  @Test
  void problemsInEachKindOfFile(@TempDir Path tmp) throws IOException {
    Path wc = tmp.resolve("cluster.yaml");
    Files.writeString(wc, """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: Bad_Name}
        spec: {release: v1.1.0, flavor: nested, variables: {POD_IP_RANGE: 10.0.0.0/33}}
        """);
    Path manifest = tmp.resolve("manifests.yaml");
    Files.writeString(manifest, """
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: MachineDeployment
        metadata: {name: md, namespace: ns}
        spec:
          clusterName: c
          selector: {}
          template:
            spec:
              clusterName: c
              bootstrap: {configRef: {apiGroup: bootstrap.cluster.x-k8s.io, kind: KubeadmConfigTemplate, name: x}}
              infrastructureRef: {apiGroup: infrastructure.cluster.x-k8s.io, kind: KVMMachineTemplate, name: x}
              replicas: 3
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
        kind: KVMMachineTemplate
        metadata: {name: x, namespace: ns}
        spec: {template: {spec: {cpus: 2, disks: 3}}}
        """);
    CapkitCommandTest.Run r = CapkitCommandTest.run("validate", "--crds", crds().resolve("capi").toString(),
        wc.toString(), manifest.toString());
    assertEquals(1, r.code());
    assertEquals(wc + ": metadata.name: \"Bad_Name\" is not a DNS-1123 label (lower-case letters, digits and '-', "
        + "starting and ending with a letter or digit)\n"
        + wc + ": spec.flavor: \"nested\" is not a flavor; one of [byoh-metal3, kamaji-metal3, kvm, kvm-metal3, metal3]\n"
        + wc + ": spec.variables.POD_IP_RANGE: 10.0.0.0/33 is not a CIDR (prefix length must be 0-32)\n"
        + manifest + ": MachineDeployment md: spec.template.spec.replicas: unknown field\n"
        + manifest + ": spec.template.spec.disks: unknown field\n", r.err());
  }

  @Test
  void manifestsWithoutCrdsAreReported(@TempDir Path tmp) throws IOException {
    Path manifest = tmp.resolve("m.yaml");
    Files.writeString(manifest, "apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: a}\n");
    CapkitCommandTest.Run r = CapkitCommandTest.run("validate", "--crds", tmp.resolve("empty").toString(), manifest.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("empty: is not a folder"), r.err());
    Files.createDirectories(tmp.resolve("empty"));
    r = CapkitCommandTest.run("validate", "--crds", tmp.resolve("empty").toString(), manifest.toString());
    assertEquals(manifest + ": Cluster a: no CRD schema for cluster.x-k8s.io/v1beta2 Cluster\n", r.err());
  }

  /** Issue 18: `validate PATH...` skips picocli; it must read the arguments into the fields picocli would. */
  @Test
  void withoutPicocliReadsTheArgumentsPicocliWouldAndLeavesTheRestToIt() {
    List<String[]> plain = List.of(new String[] {"validate", "a.yaml"},
        new String[] {"validate", "a.yaml", "dir/", "x=y.yaml"},
        new String[] {"validate", "--crds", "c1", "a.yaml", "--crds=c2", "--releases", "r", "b.yaml"},
        new String[] {"validate", "--releases=r", "a.yaml"});
    for (String[] args : plain) {
      ValidateCommand quick = ValidateCommand.withoutPicocli(args);
      ValidateCommand parsed = (ValidateCommand) Capkit.commandLine(new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter())).parseArgs(args).subcommand().commandSpec().userObject();
      String what = String.join(" ", args);
      assertEquals(parsed.paths, quick.paths, what);
      assertEquals(parsed.crds, quick.crds, what);
      assertEquals(parsed.releases, quick.releases, what);
      assertEquals(parsed.source.git, quick.source.git, what);
      assertEquals(parsed.source.ref, quick.source.ref, what);
    }
    for (String[] args : List.of(new String[] {"validate"}, new String[] {"validate", "--git", ".", "a.yaml"},
        new String[] {"validate", "a.yaml", "--crds"}, new String[] {"validate", "-h"}, new String[] {"validate", "@args"},
        new String[] {"validate", "--releases", "r1", "--releases", "r2", "a.yaml"},
        new String[] {"validate", "--crds", "--releases", "a.yaml"}, new String[] {"validate", ""},
        new String[] {"validate", "--", "a.yaml"}, new String[] {"validate", "--crds", "c"},
        new String[] {"render", "a.yaml"}, new String[] {"validate", "--crds=", "a.yaml"})) {
      assertNull(ValidateCommand.withoutPicocli(args), String.join(" ", args));
    }
    // Defaults come from the fields both paths share; an option added later goes to picocli until handled here.
    CommandSpec validate = Capkit.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
        .getSubcommands().get("validate").getCommandSpec();
    assertEquals(List.of("--crds", "--git", "--help", "--ref", "--releases", "--version", "-V", "-h"),
        validate.options().stream().flatMap(o -> Stream.of(o.names())).sorted().toList());
    validate.options().forEach(o -> assertNull(o.defaultValue(), o.longestName()));
  }

  /** The same arguments through picocli and without it: the same exit code, stdout and stderr. */
  @Test
  void withoutPicocliPrintsWhatPicocliPrints(@TempDir Path tmp) throws IOException {
    Inputs in = Inputs.in(tmp);
    Path valid = in.valid();
    Path invalid = in.invalid();
    Path manifest = in.manifest();
    Path brokenCrds = tmp.resolve("crds");
    Files.createDirectories(brokenCrds);
    Files.writeString(brokenCrds.resolve("crd.yaml"), "kind: [\n");
    for (String[] args : List.of(new String[] {"validate", valid.toString()},
        new String[] {"validate", valid.toString(), invalid.toString(), tmp.resolve("missing.yaml").toString()},
        new String[] {"validate", "--crds", crds().resolve("capi").toString(), manifest.toString(), valid.toString()},
        new String[] {"validate", "--crds", brokenCrds.toString(), valid.toString()},
        new String[] {"validate", "--crds", brokenCrds.toString(), valid.toString(), manifest.toString()},
        new String[] {"validate", "--releases", ROOT.resolve("releases").toString(), ROOT.resolve("fleet-repo-example")
            .toString()})) {
      assertNotNull(ValidateCommand.withoutPicocli(args));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine picocli = Capkit.commandLine(new PrintWriter(out), new PrintWriter(err));
      int code = picocli.execute(args);
      CapkitCommandTest.Run quick = CapkitCommandTest.run(args);
      String what = String.join(" ", args);
      assertEquals(code, quick.code(), what);
      assertEquals(out.toString(), quick.out(), what);
      assertEquals(err.toString(), quick.err(), what);
    }
    // A broken CRD folder stops validate only when a file needs the CRDs, with the problems of the folder.
    CapkitCommandTest.Run needsCrds = CapkitCommandTest.run("validate", "--crds", brokenCrds.toString(),
        valid.toString(), manifest.toString());
    assertEquals(1, needsCrds.code());
    assertTrue(needsCrds.err().startsWith(brokenCrds.toString()), needsCrds.err());
    assertEquals(new CapkitCommandTest.Run(0, "1 files valid\n", ""),
        CapkitCommandTest.run("validate", "--crds", brokenCrds.toString(), valid.toString()));
  }

  /**
   * A CRD folder that cannot be listed (a link in it, or no folder at all) fails the run with its problems and
   * nothing else, whatever the files hold and whether they need CRDs: the listing runs beside the files' checks.
   */
  @Test
  void aCrdFolderThatCannotBeListedFailsTheRunWithItsProblemsOnly(@TempDir Path tmp) throws IOException {
    Inputs in = Inputs.in(tmp);
    Path valid = in.valid();
    Path invalid = in.invalid();
    Path manifest = in.manifest();
    Path linked = tmp.resolve("crds");
    Files.createDirectories(linked.resolve("capi"));
    try (Stream<Path> capi = Files.list(crds().resolve("capi"))) {
      Files.copy(capi.sorted().findFirst().orElseThrow(), linked.resolve("capi/first.yaml"));
    }
    Files.createSymbolicLink(linked.resolve("capi/link.yaml"), linked.resolve("capi/first.yaml"));
    String linkProblem = "capi/link.yaml: is a symbolic link; links could point outside crds, copy the file instead\n";
    Path missing = tmp.resolve("no-such-folder");
    for (List<String> files : List.of(List.of(valid.toString()), List.of(invalid.toString(), valid.toString()),
        List.of(manifest.toString()), List.of(tmp.resolve("missing.yaml").toString()))) {
      List<String> args = new ArrayList<>(List.of("validate", "--crds", linked.toString()));
      args.addAll(files);
      String[] argv = args.toArray(String[]::new);
      assertEquals(new CapkitCommandTest.Run(1, "", linkProblem), CapkitCommandTest.run(argv), args.toString());
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Capkit.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(argv);
      assertEquals(new CapkitCommandTest.Run(1, "", linkProblem),
          new CapkitCommandTest.Run(code, out.toString(), err.toString()), "picocli: " + args);
      args.set(2, missing.toString());
      assertEquals(new CapkitCommandTest.Run(1, "", missing + ": is not a folder\n"),
          CapkitCommandTest.run(args.toArray(String[]::new)), args.toString());
    }
  }

  /** A valid cluster file of the example fleet, an invalid one and a CAPI manifest (needs CRDs), written to {@code tmp}. */
  private record Inputs(Path valid, Path invalid, Path manifest) {
    static Inputs in(Path tmp) throws IOException {
      Path invalid = tmp.resolve("cluster.yaml");
      Files.writeString(invalid, "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata: {name: A}\n"
          + "spec: {release: v1, variables: {POD_IP_RANGE: 10.0.0.0/33}}\n");
      Path manifest = tmp.resolve("m.yaml");
      Files.writeString(manifest, "apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: a}\n");
      return new Inputs(ROOT.resolve("fleet-repo-example/management-clusters/mc-berlin/organizations/acme/"
          + "workload-clusters/prod-eu/cluster.yaml"), invalid, manifest);
    }
  }
}
