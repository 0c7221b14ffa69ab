package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rootSizeGB", "dockerSizeGB", "kubeletSizeGB"})
public class MachineVolumes {
  private Integer rootSizeGB;
  private Integer dockerSizeGB;
  private Integer kubeletSizeGB;

  public Integer getRootSizeGB() {
    return rootSizeGB;
  }

  public void setRootSizeGB(Integer rootSizeGB) {
    this.rootSizeGB = rootSizeGB;
  }

  public Integer getDockerSizeGB() {
    return dockerSizeGB;
  }

  public void setDockerSizeGB(Integer dockerSizeGB) {
    this.dockerSizeGB = dockerSizeGB;
  }

  public Integer getKubeletSizeGB() {
    return kubeletSizeGB;
  }

  public void setKubeletSizeGB(Integer kubeletSizeGB) {
    this.kubeletSizeGB = kubeletSizeGB;
  }
}
