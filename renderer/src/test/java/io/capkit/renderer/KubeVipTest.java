package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The kube-vip pod's interface: KUBE_VIP_INTERFACE, else BYOH's default interface, else kube-vip's own choice. */
class KubeVipTest {
  private static final String ORG = "management-clusters/mc-berlin/organizations/initech/";

  @SuppressWarnings("unchecked")
  private static Map<String, String> env(String cluster, String variables) {
    Map<String, String> fleet = new TreeMap<>();
    SourceTree tree = RepoFiles.exampleFleet();
    tree.files().forEach(f -> fleet.put(f, new String(tree.read(f).orElseThrow(), StandardCharsets.UTF_8)));
    String file = ORG + "workload-clusters/" + cluster + "/cluster.yaml";
    fleet.put(file, fleet.get(file).replace("  variables:\n", "  variables:\n" + variables));
    RenderResult r = Renderer.standard().render(MemoryTree.ofText("fleet", fleet), "fleet", RepoFiles.releases(),
        "releases");
    KubeObject kcp = r.clusters().stream().filter(c -> c.source().name().equals(cluster)).findFirst().orElseThrow()
        .objects().stream().filter(o -> o.kind().equals("KubeadmControlPlane")).findFirst().orElseThrow();
    List<Map<String, Object>> files = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
        kcp.document().get("spec")).get("kubeadmConfigSpec")).get("files");
    String content = (String) files.get(0).get("content");
    Map<String, Object> pod = YamlDocuments.loadOne("pod", content.replace("value: {{", "value: \"{{")
        .replace("}}\n", "}}\"\n"));
    Map<String, String> out = new TreeMap<>();
    List<Map<String, Object>> containers = (List<Map<String, Object>>) ((Map<String, Object>) pod.get("spec"))
        .get("containers");
    ((List<Map<String, Object>>) containers.get(0).get("env")).forEach(e -> out.put((String) e.get("name"),
        (String) e.get("value")));
    return out;
  }

  @Test
  void theInterfaceIsTheVariablesThenByohsThenKubeVipsOwnChoice() {
    assertTrue(!env("mixed", "").containsKey("vip_interface"), "kube-vip takes the default route's interface");
    assertEquals("eth1", env("mixed", "    KUBE_VIP_INTERFACE: eth1\n").get("vip_interface"));
    assertEquals("{{ .DefaultNetworkInterfaceName }}", env("hybrid", "").get("vip_interface"));
    assertEquals("bond0", env("hybrid", "    KUBE_VIP_INTERFACE: bond0\n").get("vip_interface"));
    assertEquals("10.20.0.30", env("mixed", "").get("address"));
    assertEquals("6443", env("mixed", "").get("port"));
  }
}
