package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.CrdSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertEquals("46 files valid\n", r.out());
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
}
