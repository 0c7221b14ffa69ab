package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"providerID", "failureDomain", "cpus", "memory", "image", "volumes", "dnsServers", "ntpServers", "iscsiInitiatorName", "hostVolumes", "etcdStorage"})
public class KVMMachineSpec {
  private String providerID;
  private String failureDomain;
  private Integer cpus;
  private String memory;
  private BaseImage image;
  private MachineVolumes volumes;
  private List<String> dnsServers;
  private List<String> ntpServers;
  private String iscsiInitiatorName;
  private List<HostVolume> hostVolumes;
  private EtcdStorage etcdStorage;

  public String getProviderID() {
    return providerID;
  }

  public void setProviderID(String providerID) {
    this.providerID = providerID;
  }

  public String getFailureDomain() {
    return failureDomain;
  }

  public void setFailureDomain(String failureDomain) {
    this.failureDomain = failureDomain;
  }

  public Integer getCpus() {
    return cpus;
  }

  public void setCpus(Integer cpus) {
    this.cpus = cpus;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public BaseImage getImage() {
    return image;
  }

  public void setImage(BaseImage image) {
    this.image = image;
  }

  public MachineVolumes getVolumes() {
    return volumes;
  }

  public void setVolumes(MachineVolumes volumes) {
    this.volumes = volumes;
  }

  public List<String> getDnsServers() {
    return dnsServers;
  }

  public void setDnsServers(List<String> dnsServers) {
    this.dnsServers = dnsServers;
  }

  public List<String> getNtpServers() {
    return ntpServers;
  }

  public void setNtpServers(List<String> ntpServers) {
    this.ntpServers = ntpServers;
  }

  public String getIscsiInitiatorName() {
    return iscsiInitiatorName;
  }

  public void setIscsiInitiatorName(String iscsiInitiatorName) {
    this.iscsiInitiatorName = iscsiInitiatorName;
  }

  public List<HostVolume> getHostVolumes() {
    return hostVolumes;
  }

  public void setHostVolumes(List<HostVolume> hostVolumes) {
    this.hostVolumes = hostVolumes;
  }

  public EtcdStorage getEtcdStorage() {
    return etcdStorage;
  }

  public void setEtcdStorage(EtcdStorage etcdStorage) {
    this.etcdStorage = etcdStorage;
  }
}
