package io.capkit.api.contract;

import java.math.BigInteger;

/**
 * The workload cluster's DNS Service address: kubeadm gives every kubelet {@code clusterDNS} = the 10th address of
 * the service range (kubeadm's {@code constants.GetDNSIP}), so a CoreDNS installed by anything else must take that
 * address for its Service.
 */
public final class ClusterDns {
  /** kubeadm's index of the DNS Service address in the service range. */
  public static final int INDEX = 10;

  private ClusterDns() {}

  /** The 10th address of {@code serviceRange} (a CIDR the contract has validated), e.g. 10.96.0.10 for 10.96.0.0/12. */
  public static String address(String serviceRange) {
    Cidr cidr = Cidr.parse(serviceRange);
    int bits = cidr.bits();
    if (bits - cidr.prefix() < 4) {
      throw new IllegalArgumentException(serviceRange + " is too small to hold the cluster DNS address (its 10th)");
    }
    BigInteger ip = cidr.network().add(BigInteger.valueOf(INDEX));
    byte[] raw = ip.toByteArray();
    byte[] bytes = new byte[bits / 8];
    System.arraycopy(raw, Math.max(0, raw.length - bytes.length), bytes, Math.max(0, bytes.length - raw.length),
        Math.min(raw.length, bytes.length));
    if (bytes.length == 4) {
      return (bytes[0] & 255) + "." + (bytes[1] & 255) + "." + (bytes[2] & 255) + "." + (bytes[3] & 255);
    }
    return canonicalV6(bytes);
  }

  // RFC 5952, the form Kubernetes validates Service IPs against: lowercase hex, the longest run of two or more
  // zero groups (the first of equal runs) written as "::".
  private static String canonicalV6(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 255) << 8) | (b[2 * i + 1] & 255);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(g[i]));
    }
    return out.toString();
  }
}
