package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A host directory an admin lets machines share in; exactly this path, read-only unless writable. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "writable"})
public class SharedDirectory {
  @JsonPropertyDescription("Absolute host path; a machine may share exactly this directory.")
  private String path;
  @JsonPropertyDescription("Whether machines may write to it (default false: mounted read-only).")
  private Boolean writable;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Boolean getWritable() {
    return writable;
  }

  public void setWritable(Boolean writable) {
    this.writable = writable;
  }
}
