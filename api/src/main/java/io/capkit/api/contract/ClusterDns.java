package io.capkit.api.contract;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

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
    int bits = cidr.network().length * 8;
    if (bits - cidr.prefix() < 4) {
      throw new IllegalArgumentException(serviceRange + " is too small to hold the cluster DNS address (its 10th)");
    }
    BigInteger ip = new BigInteger(1, cidr.network()).add(BigInteger.valueOf(INDEX));
    byte[] raw = ip.toByteArray();
    byte[] bytes = new byte[cidr.network().length];
    System.arraycopy(raw, Math.max(0, raw.length - bytes.length), bytes, Math.max(0, bytes.length - raw.length),
        Math.min(raw.length, bytes.length));
    try {
      // An address literal: no name lookup happens.
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
