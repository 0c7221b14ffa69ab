package io.capkit.api.release;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of a release: wip (not for clusters), preview, active, deprecated (no new clusters). */
public enum ReleaseState {
  @JsonProperty("wip") WIP,
  @JsonProperty("preview") PREVIEW,
  @JsonProperty("active") ACTIVE,
  @JsonProperty("deprecated") DEPRECATED;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
