package io.capkit.api.release;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A release: the Kubernetes, CAPI and provider versions and the apps a cluster runs. Cluster-scoped. */
@Group(Release.GROUP)
@Version(Release.VERSION)
@Kind("Release")
@Plural("releases")
@Singular("release")
public class Release extends CustomResource<ReleaseSpec, Void> {
  public static final String GROUP = "release.capkit.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  /** Label put on rendered CAPI Clusters. */
  public static final String VERSION_LABEL = "release.capkit.io/version";
  public static final String KUBERNETES = "kubernetes";
  public static final String CAPI_CORE = "cluster-api-core";
}
