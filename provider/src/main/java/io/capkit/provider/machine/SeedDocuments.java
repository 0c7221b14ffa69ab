package io.capkit.provider.machine;

import static io.capkit.api.yaml.YamlScalars.doubleQuoted;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NoCloud seed of a machine: {@code meta-data} (instance-id {@code <host>/<uuid>}, local-hostname),
 * {@code user-data} (the bootstrap data, byte for byte), {@code vendor-data} (the provider's own cloud-config: NTP,
 * iSCSI initiator name, data volumes, host volumes) and {@code network-config} (DHCP plus DNS servers on the NIC
 * matched by its MAC: cloud-init 22.4 ignores a {@code match.name} pattern and names the interface after the entry's
 * key, which no NIC has, while a MAC match is looked up to the real interface name). Keeping the
 * provider's settings in vendor-data leaves the bootstrap provider's user-data (often a jinja template) untouched.
 */
public record SeedDocuments(byte[] metaData, byte[] userData, byte[] vendorData, byte[] networkConfig) {
  /** The volume label cloud-init's NoCloud datasource looks for. */
  public static final String VOLUME_LABEL = "cidata";

  public static SeedDocuments of(MachinePlan plan, byte[] bootstrapData) {
    return new SeedDocuments(metaData(plan), bootstrapData.clone(), vendorData(plan), networkConfig(plan));
  }

  /** The files of the seed ISO, in a fixed order; vendor-data only when the provider has something to say. */
  public Map<String, byte[]> files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("meta-data", metaData);
    files.put("user-data", userData);
    if (vendorData.length > 0) {
      files.put("vendor-data", vendorData);
    }
    files.put("network-config", networkConfig);
    return files;
  }

  /** Sizes only: user-data is bootstrap data and must never reach a log. */
  @Override
  public String toString() {
    return "SeedDocuments[meta-data=" + metaData.length + "B, user-data=" + userData.length + "B, vendor-data="
        + vendorData.length + "B, network-config=" + networkConfig.length + "B]";
  }

  /** The ISO image with label {@code cidata}. */
  public byte[] iso() {
    return Iso9660Image.write(VOLUME_LABEL, files());
  }

  static byte[] metaData(MachinePlan plan) {
    String text = "instance-id: " + doubleQuoted(plan.identity().instanceId(plan.host().name())) + "\n"
        + "local-hostname: " + doubleQuoted(plan.hostname()) + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] networkConfig(MachinePlan plan) {
    StringBuilder b = new StringBuilder()
        .append("version: 2\n")
        .append("ethernets:\n")
        .append("  primary:\n")
        .append("    match:\n")
        .append("      macaddress: ").append(doubleQuoted(plan.identity().macAddress())).append("\n")
        .append("    dhcp4: true\n");
    if (!plan.dnsServers().isEmpty()) {
      b.append("    nameservers:\n").append("      addresses:\n");
      list(b, "      ", plan.dnsServers());
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] vendorData(MachinePlan plan) {
    StringBuilder b = new StringBuilder();
    if (!plan.ntpServers().isEmpty()) {
      b.append("ntp:\n").append("  enabled: true\n").append("  servers:\n");
      list(b, "  ", plan.ntpServers());
    }
    plan.iscsi().ifPresent(name -> b.append("write_files:\n")
        .append("  - path: /etc/iscsi/initiatorname.iscsi\n")
        .append("    permissions: \"0644\"\n")
        .append("    content: ").append(doubleQuoted("InitiatorName=" + name + "\n")).append("\n"));
    if (!plan.dataVolumes().isEmpty()) {
      b.append("fs_setup:\n");
      for (MachinePlan.DataVolume v : plan.dataVolumes()) {
        b.append("  - label: ").append(doubleQuoted(v.role().serial())).append("\n")
            .append("    filesystem: ext4\n")
            .append("    device: ").append(doubleQuoted(device(v.role()))).append("\n")
            .append("    overwrite: false\n");
      }
    }
    if (!plan.dataVolumes().isEmpty() || !plan.sharedDirectories().isEmpty()) {
      b.append("mounts:\n");
      for (MachinePlan.DataVolume v : plan.dataVolumes()) {
        mount(b, "LABEL=" + v.role().serial(), v.role().mountPath(), "ext4", "defaults,nofail", "2");
      }
      for (MachinePlan.SharedDirectory s : plan.sharedDirectories()) {
        mount(b, s.tag(), s.mountPath(), "9p", "trans=virtio,version=9p2000.L,nofail" + (s.readOnly() ? ",ro" : ""),
            "0");
      }
    }
    if (b.length() == 0) {
      return new byte[0];
    }
    return ("#cloud-config\n" + b).getBytes(StandardCharsets.UTF_8);
  }

  private static String device(VolumeRole role) {
    return "/dev/disk/by-id/virtio-" + role.serial();
  }

  private static void mount(StringBuilder b, String what, String where, String type, String options, String pass) {
    b.append("  - [").append(doubleQuoted(what)).append(", ").append(doubleQuoted(where)).append(", ")
        .append(doubleQuoted(type)).append(", ").append(doubleQuoted(options)).append(", \"0\", ")
        .append(doubleQuoted(pass)).append("]\n");
  }

  private static void list(StringBuilder b, String indent, List<String> items) {
    for (String s : items) {
      b.append(indent).append("  - ").append(doubleQuoted(s)).append("\n");
    }
  }
}
