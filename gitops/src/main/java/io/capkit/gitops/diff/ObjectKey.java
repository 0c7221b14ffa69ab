package io.capkit.gitops.diff;

import java.util.Comparator;

/** Identity of a rendered object within a cluster folder: apiVersion, kind, namespace, name. */
public record ObjectKey(String apiVersion, String kind, String namespace, String name)
    implements Comparable<ObjectKey> {
  private static final Comparator<ObjectKey> ORDER = Comparator.comparing(ObjectKey::apiVersion)
      .thenComparing(ObjectKey::kind).thenComparing(ObjectKey::namespace).thenComparing(ObjectKey::name);

  @Override
  public int compareTo(ObjectKey o) {
    return ORDER.compare(this, o);
  }

  /** {@code apiVersion/kind/namespace/name}, leaving out an empty namespace. */
  @Override
  public String toString() {
    return apiVersion + "/" + kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
