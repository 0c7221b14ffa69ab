package io.capkit.webhook.admission;

import io.capkit.api.release.Release;
import java.util.Optional;

/** Finds Release objects by name; backed by an informer cache in the server, by a map in tests. */
public interface ReleaseLookup {
  Optional<Release> find(String name);

  /** True once the lookup can answer (the cache has synced). */
  default boolean ready() {
    return true;
  }
}
