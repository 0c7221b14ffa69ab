package io.capkit.api.flavor;

import io.capkit.api.contract.KubernetesVersion;
import java.util.List;

/**
 * What the BYOH v0.5.0 installer can install, from its registry ({@code installer/registry.go}: bundles for
 * Ubuntu 20.04 x86-64 and Kubernetes v1.24.*, v1.25.*, v1.26.*). A release whose Kubernetes it supports gets a
 * K8sInstallerConfigTemplate behind each ByoMachineTemplate's {@code installerRef}; any other release needs hosts
 * prepared with that Kubernetes and an agent started with {@code --skip-installation}, because without an
 * installerRef the agent otherwise waits forever for its installation secret.
 */
public final class ByohInstaller {
  /** The Kubernetes minors (major.minor) the v0.5.0 installer's registry holds bundles for. */
  public static final List<String> SUPPORTED_MINORS = List.of("1.24", "1.25", "1.26");
  /** The only host OS the v0.5.0 installer supports. */
  public static final String SUPPORTED_OS = "Ubuntu 20.04 x86-64";

  private ByohInstaller() {}

  /** True when the v0.5.0 installer has bundles for {@code kubernetesVersion} (e.g. v1.26.3). */
  public static boolean supports(String kubernetesVersion) {
    KubernetesVersion v = KubernetesVersion.parse(kubernetesVersion);
    return SUPPORTED_MINORS.contains(v.major() + "." + v.minor());
  }

  /** How the hosts of a cluster on {@code kubernetesVersion} get Kubernetes, for {@code capkit explain} and docs. */
  public static String hostPreparation(String kubernetesVersion) {
    if (supports(kubernetesVersion)) {
      return "installer: a K8sInstallerConfigTemplate makes the BYOH agent install Kubernetes " + kubernetesVersion
          + " (hosts run " + SUPPORTED_OS + ")";
    }
    return "skip-installation: the BYOH v0.5.0 installer supports only Kubernetes " + String.join(", ",
        SUPPORTED_MINORS) + " on " + SUPPORTED_OS + ", so hosts must come with kubeadm, kubelet and containerd for "
        + kubernetesVersion + " installed and run the agent with --skip-installation";
  }
}
