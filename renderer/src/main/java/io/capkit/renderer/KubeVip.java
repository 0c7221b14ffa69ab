package io.capkit.renderer;

import io.capkit.api.flavor.FlavorNetworkRules;
import io.capkit.renderer.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube-vip as the control plane endpoint of a kubeadm control plane (CONTROL_PLANE_LOAD_BALANCER=kube-vip), the way
 * CAPV's templates and kube-vip's own {@code manifest pod} generator run it: a static pod in ARP mode on every
 * control plane machine, leader-elected, announcing the endpoint address.
 * <ul>
 *   <li>In control-plane mode kube-vip dials {@code kubernetes:<port>}: {@code hostAliases} maps that name to
 *   127.0.0.1, where the machine's own API server listens.</li>
 *   <li>kube-vip issue 684: from Kubernetes 1.29 kubeadm's {@code admin.conf} has no rights until {@code kubeadm
 *   init} has created its RBAC, and init waits for the API server behind the address kube-vip has yet to announce.
 *   On the machine running {@code kubeadm init} (the one with {@code /run/kubeadm/kubeadm.yaml}), a pre-kubeadm
 *   script points the pod at {@code super-admin.conf}; after init a post-kubeadm command points it back at
 *   {@code admin.conf}. Joining machines keep {@code admin.conf}, which has its rights by then.</li>
 * </ul>
 */
public final class KubeVip {
  /** A released kube-vip; the generator of the same module version is what the upstream comparison reads. */
  public static final String VERSION = "v1.0.0";
  public static final String IMAGE = "ghcr.io/kube-vip/kube-vip:" + VERSION;
  public static final String MANIFEST_PATH = "/etc/kubernetes/manifests/kube-vip.yaml";
  public static final String PREPARE_PATH = "/etc/kube-vip-prepare.sh";
  static final String ADMIN_CONF = "/etc/kubernetes/admin.conf";
  static final String SUPER_ADMIN_CONF = "/etc/kubernetes/super-admin.conf";
  static final String TO_SUPER_ADMIN = "s#path: " + ADMIN_CONF + "#path: " + SUPER_ADMIN_CONF + "#";
  static final String TO_ADMIN = "s#path: " + SUPER_ADMIN_CONF + "#path: " + ADMIN_CONF + "#";
  // Our own script; CAPV's kube-vip-prepare.sh decides the same way (kubeadm minor >= 29, cloud-init's init file).
  private static final String PREPARE_SCRIPT = """
      #!/bin/bash
      # kube-vip issue 684: from Kubernetes 1.29, admin.conf has no rights before kubeadm init has created its RBAC,
      # so the machine that runs kubeadm init gives kube-vip super-admin.conf until init is done.
      set -e
      minor="$(kubeadm version -o short | cut -d . -f 2)"
      if [ "$minor" -ge 29 ] && [ -f /run/kubeadm/kubeadm.yaml ]; then
        sed -i '%s' %s
      fi
      """.formatted(TO_SUPER_ADMIN, MANIFEST_PATH);

  private KubeVip() {}

  /** True when the plan asks kube-vip to serve the endpoint (a clusterctl template's placeholder does not). */
  public static boolean serves(ClusterPlan plan) {
    return FlavorNetworkRules.KUBE_VIP.equals(plan.variables().get(FlavorNetworkRules.LOAD_BALANCER));
  }

  /**
   * Adds kube-vip's files and commands to a KubeadmControlPlane's {@code kubeadmConfigSpec} when the plan asks for
   * it. {@code defaultInterface} is the interface when KUBE_VIP_INTERFACE is unset (null: kube-vip takes the
   * default route's).
   */
  public static void addTo(Map<String, Object> kubeadmConfigSpec, ClusterPlan plan, String defaultInterface) {
    if (!serves(plan)) {
      return;
    }
    Object configured = plan.variables().get("KUBE_VIP_INTERFACE");
    String iface = configured instanceof String s && !s.isEmpty() ? s : defaultInterface;
    List<Object> files = new ArrayList<>();
    if (kubeadmConfigSpec.get("files") instanceof List<?> existing) {
      files.addAll(existing);
    }
    files.add(OrderedMap.of("path", MANIFEST_PATH, "owner", "root:root", "permissions", "0644",
        "content", YamlWriter.write(pod(String.valueOf(plan.endpointHost()), plan.endpointPort(), iface))));
    files.add(OrderedMap.of("path", PREPARE_PATH, "owner", "root:root", "permissions", "0700",
        "content", PREPARE_SCRIPT));
    kubeadmConfigSpec.put("files", files);
    kubeadmConfigSpec.put("preKubeadmCommands", List.of(PREPARE_PATH));
    kubeadmConfigSpec.put("postKubeadmCommands", List.of("sed -i '" + TO_ADMIN + "' " + MANIFEST_PATH));
  }

  /** The static pod, with the environment kube-vip's generator writes for {@code --controlplane --arp --leaderElection}. */
  static Map<String, Object> pod(String address, Object port, String iface) {
    List<Object> env = new ArrayList<>();
    env.add(env("vip_arp", "true"));
    env.add(env("port", String.valueOf(port)));
    env.add(OrderedMap.of("name", "vip_nodename",
        "valueFrom", OrderedMap.of("fieldRef", OrderedMap.of("fieldPath", "spec.nodeName"))));
    if (iface != null) {
      env.add(env("vip_interface", iface));
    }
    env.add(env("cp_enable", "true"));
    env.add(env("cp_namespace", "kube-system"));
    env.add(env("vip_leaderelection", "true"));
    env.add(env("vip_leasename", "plndr-cp-lock"));
    env.add(env("vip_leaseduration", "15"));
    env.add(env("vip_renewdeadline", "10"));
    env.add(env("vip_retryperiod", "2"));
    env.add(env("address", address));
    env.add(env("prometheus_server", ":2112"));
    return OrderedMap.of(
        "apiVersion", "v1",
        "kind", "Pod",
        "metadata", OrderedMap.of("name", "kube-vip", "namespace", "kube-system"),
        "spec", OrderedMap.of(
            "containers", List.of(OrderedMap.of(
                "name", "kube-vip",
                "image", IMAGE,
                "imagePullPolicy", "IfNotPresent",
                "args", List.of("manager"),
                "env", env,
                "securityContext", OrderedMap.of("capabilities", OrderedMap.of(
                    "add", List.of("NET_ADMIN", "NET_RAW"),
                    "drop", List.of("ALL"))),
                "volumeMounts", List.of(OrderedMap.of("name", "kubeconfig", "mountPath", ADMIN_CONF)))),
            "hostAliases", List.of(OrderedMap.of("ip", "127.0.0.1", "hostnames", List.of("kubernetes"))),
            "hostNetwork", true,
            "volumes", List.of(OrderedMap.of("name", "kubeconfig", "hostPath", OrderedMap.of("path", ADMIN_CONF)))));
  }

  private static Map<String, Object> env(String name, String value) {
    return OrderedMap.of("name", name, "value", value);
  }
}
