package io.capkit.provider.cluster;

import io.capkit.provider.machine.HostTarget;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a machine without a failure domain goes: among the hosts allowed for its role, the one with the fewest
 * machines; ties are broken by the machine's UUID, so machines created at the same moment spread over the tied
 * hosts instead of all picking the first name, and the same inputs always give the same host.
 */
public final class HostSelection {
  private HostSelection() {}

  public static Optional<HostTarget> pick(List<HostTarget> hosts, Map<String, Integer> machinesPerHost,
      boolean controlPlane, UUID machine) {
    List<HostTarget> allowed = hosts.stream().filter(h -> !controlPlane || h.controlPlane())
        .sorted(Comparator.comparing(HostTarget::name)).toList();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    int fewest = allowed.stream().mapToInt(h -> machinesPerHost.getOrDefault(h.name(), 0)).min().orElseThrow();
    List<HostTarget> tied = allowed.stream().filter(h -> machinesPerHost.getOrDefault(h.name(), 0) == fewest).toList();
    int index = (int) Long.remainderUnsigned(machine.getLeastSignificantBits(), tied.size());
    return Optional.of(tied.get(index));
  }
}
