#!/usr/bin/env bash
# ensure-libvirtd.sh — a real hypervisor host on this machine for RealBootE2E and `make demo` with a real boot:
#   libvirtd + QEMU from Debian packages, the system daemon reachable at qemu:///system, the NAT network
#   `default` active (dnsmasq gives the guests DHCP leases) and the storage pool `default`
#   (/var/lib/libvirt/images) active.
# Idempotent; a warm run only asks libvirtd and exits (well under a second).
#
# Packages (apt-get install --no-install-recommends, only the missing ones):
#   libvirt-daemon-system  libvirtd, virtlogd, the default network definition
#   qemu-system-x86        QEMU (KVM or, without usable KVM, TCG software emulation)
#   qemu-utils             qemu-img (layered qcow2 disks; also used by ensure-base-image.sh)
#   dnsmasq-base           DHCP/DNS for libvirt's NAT networks (only a Recommends of libvirt-daemon-system)
#   ovmf                   UEFI firmware (the base image boots with OVMF or SeaBIOS)
#   iproute2               the network driver configures the bridge with it
# No systemd as PID 1 on CI runners and here: the daemons are started as this script's own children,
# detached (`virtlogd -d`, `libvirtd -d`; not `-l`, whose listen socket needs TLS certificates), and stay up
# for later test runs. When systemd runs (a developer machine), the packages' units have started them and
# this script only checks they answer.
set -euo pipefail

LOG_TAG=ensure-libvirtd
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START="$(now_s)"
URI=qemu:///system
PACKAGES=(libvirt-daemon-system qemu-system-x86 qemu-utils dnsmasq-base ovmf iproute2)
POOL_DIR=/var/lib/libvirt/images

# Connecting is enough to know the daemon answers (`virsh version` probes QEMU and takes seconds).
answers() { timeout 20 virsh -q -c "$URI" uri >/dev/null 2>&1; }

with_lock libvirtd

apt_install_missing "${PACKAGES[@]}"
[[ ${#APT_INSTALLED[@]} -eq 0 ]] || log "installed ${APT_INSTALLED[*]} in $(elapsed "$START")s"

SUDO=()
[[ "$(id -u)" == 0 ]] || SUDO=(sudo)

# /dev/kvm as Debian's udev rule leaves it (root:kvm 0660; libvirt-qemu is in group kvm). Without udev it may be
# root-only: libvirt then finds KVM "not available now" for the qemu user although QEMU probed it as root, throws
# its QEMU capability cache away on every lookup and re-probes QEMU for each domain definition (2 minutes per
# define on the 2-core test machine).
if [[ -c /dev/kvm ]] && getent group kvm >/dev/null && [[ "$(stat -c '%G %a' /dev/kvm)" != "kvm 660" ]]; then
  log "setting /dev/kvm to root:kvm 0660 (what udev does on Debian)"
  "${SUDO[@]}" chgrp kvm /dev/kvm && "${SUDO[@]}" chmod 0660 /dev/kvm || die "cannot set the group and mode of /dev/kvm"
fi

if ! answers; then
  # The daemons run as root: the system instance manages qemu:///system. They must not inherit fd 9, the lock
  # with_lock holds, or the lock would stay taken for as long as they run.
  if ! "${SUDO[@]}" virtlogd --version >/dev/null 2>&1; then die "virtlogd missing after installing libvirt-daemon-system"; fi
  if ! [[ -S /run/libvirt/virtlogd-sock ]] || ! "${SUDO[@]}" test -e /run/libvirt/virtlogd.pid; then
    log "starting virtlogd -d"
    "${SUDO[@]}" virtlogd -d 9>&- || die "virtlogd -d failed"
  fi
  if "${SUDO[@]}" test -e /run/libvirtd.pid && "${SUDO[@]}" kill -0 "$("${SUDO[@]}" cat /run/libvirtd.pid)" 2>/dev/null; then
    log "libvirtd (pid $("${SUDO[@]}" cat /run/libvirtd.pid)) runs but does not answer yet; waiting"
  else
    log "starting libvirtd -d"
    "${SUDO[@]}" libvirtd -d 9>&- || die "libvirtd -d failed (see /var/log/libvirt/libvirtd.log)"
  fi
  for _ in $(seq 1 60); do answers && break; sleep 0.5; done
  answers || die "libvirtd does not answer on $URI after 30 s (see /var/log/libvirt/libvirtd.log)"
fi

# The NAT network: defined by libvirt-daemon-config-network's postinst; define it from the packaged XML if not.
if ! virsh -q -c "$URI" net-info default >/dev/null 2>&1; then
  log "defining network default from /usr/share/libvirt/networks/default.xml"
  virsh -q -c "$URI" net-define /usr/share/libvirt/networks/default.xml >/dev/null || die "net-define default failed"
fi
# (Output captured first: with pipefail, grep -q closing the pipe early would make virsh fail with SIGPIPE.)
if ! grep -Eq '^Active:[[:space:]]+yes' <<<"$(virsh -c "$URI" net-info default 2>/dev/null)"; then
  log "starting network default"
  out="$(virsh -q -c "$URI" net-start default 2>&1)" ||
    die "virsh net-start default failed: $out (needs dnsmasq-base, iptables and the right to create a bridge)"
fi
virsh -q -c "$URI" net-autostart default >/dev/null 2>&1 || true

# The network the tests' guests use: isolated (no <forward>), so a guest reaches this machine's bridge address
# (DHCP, DNS, the test's phone-home endpoint) and nothing beyond it: no test VM sends traffic off the machine.
ISOLATED=capkit-isolated
if ! virsh -q -c "$URI" net-info "$ISOLATED" >/dev/null 2>&1; then
  log "defining isolated network $ISOLATED (bridge capkitbr0, no forwarding)"
  xml="$(mktemp)"
  cat >"$xml" <<'XML'
<network>
  <name>capkit-isolated</name>
  <bridge name='capkitbr0' stp='on' delay='0'/>
  <ip address='192.168.213.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.213.10' end='192.168.213.250'/>
    </dhcp>
  </ip>
</network>
XML
  virsh -q -c "$URI" net-define "$xml" >/dev/null || { rm -f "$xml"; die "net-define $ISOLATED failed"; }
  rm -f "$xml"
fi
if ! grep -Eq '^Active:[[:space:]]+yes' <<<"$(virsh -c "$URI" net-info "$ISOLATED" 2>/dev/null)"; then
  log "starting network $ISOLATED"
  out="$(virsh -q -c "$URI" net-start "$ISOLATED" 2>&1)" || die "virsh net-start $ISOLATED failed: $out"
fi
virsh -q -c "$URI" net-autostart "$ISOLATED" >/dev/null 2>&1 || true

if ! virsh -q -c "$URI" pool-info default >/dev/null 2>&1; then
  log "defining storage pool default at $POOL_DIR"
  "${SUDO[@]}" mkdir -p "$POOL_DIR"
  virsh -q -c "$URI" pool-define-as default dir --target "$POOL_DIR" >/dev/null || die "pool-define-as default failed"
fi
if ! grep -Eq '^State:[[:space:]]+running' <<<"$(virsh -c "$URI" pool-info default 2>/dev/null)"; then
  virsh -q -c "$URI" pool-start default >/dev/null || die "virsh pool-start default failed"
fi
virsh -q -c "$URI" pool-autostart default >/dev/null 2>&1 || true

KVM_NOTE="no /dev/kvm: guests run under TCG"
[[ -e /dev/kvm ]] && KVM_NOTE="/dev/kvm present (the provider checks from libvirt's capabilities whether it can run guests)"
log "ok: $URI answers, isolated network $ISOLATED active ($(virsh -c "$URI" net-dumpxml "$ISOLATED" | sed -n "s/.*<ip address='\([^']*\)'.*/\1/p")), pool default at $POOL_DIR, $KVM_NOTE ($(elapsed "$START")s)"
