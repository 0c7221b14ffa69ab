package io.capkit.webhook.admission;

import io.capkit.api.contract.Contract;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The URLs capkit serves, each with its rules; the webhook configurations in webhook/config/ point at these. */
public final class AdmissionEndpoints {
  public static final String CAPI_GROUP = "cluster.x-k8s.io";

  private AdmissionEndpoints() {}

  public static List<AdmissionEndpoint> standard(Contract contract, ReleaseLookup releases) {
    WorkloadClusterRules wc = new WorkloadClusterRules(contract);
    KvmRules kvm = new KvmRules(contract);
    List<AdmissionEndpoint> out = new ArrayList<>();
    out.add(AdmissionEndpoint.mutating("/mutate-workloadcluster", WorkloadCluster.GROUP, "WorkloadCluster",
        new WorkloadClusterDefaulter(wc)));
    out.add(AdmissionEndpoint.validating("/validate-workloadcluster", WorkloadCluster.GROUP, "WorkloadCluster",
        new WorkloadClusterCheck(wc, releases)));
    for (KvmCheck.Kind k : KvmCheck.Kind.values()) {
      String suffix = k.kindName().toLowerCase(Locale.ROOT);
      out.add(AdmissionEndpoint.mutating("/mutate-" + suffix, Infra.GROUP, k.kindName(), new KvmDefaulter(k, kvm)));
      out.add(AdmissionEndpoint.validating("/validate-" + suffix, Infra.GROUP, k.kindName(), new KvmCheck(k, kvm)));
    }
    out.add(AdmissionEndpoint.validating("/validate-release", Release.GROUP, "Release", new ReleaseCheck()));
    out.add(AdmissionEndpoint.validating("/validate-cluster", CAPI_GROUP, "Cluster",
        new ClusterReleaseCheck(releases)));
    return List.copyOf(out);
  }
}
