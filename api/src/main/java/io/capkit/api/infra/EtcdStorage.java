package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"hostPath", "sizeGB"})
public class EtcdStorage {
  private String hostPath;
  private Integer sizeGB;

  public String getHostPath() {
    return hostPath;
  }

  public void setHostPath(String hostPath) {
    this.hostPath = hostPath;
  }

  public Integer getSizeGB() {
    return sizeGB;
  }

  public void setSizeGB(Integer sizeGB) {
    this.sizeGB = sizeGB;
  }
}
