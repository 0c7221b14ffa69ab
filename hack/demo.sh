#!/usr/bin/env bash
# make demo: run capkit's whole loop on the embedded defaults with the real Cluster API managers.
# Arguments go to the demo (e.g. `bash hack/demo.sh --clusters 10`; `--help` lists them).
# CAPKIT_DEMO_REAL_BOOT=1 (or --real-boot) adds one real VM boot on this machine's libvirtd + QEMU as the last step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/ensure-capi.sh >/dev/null
# The optional real boot (CAPKIT_DEMO_REAL_BOOT=1 or --real-boot) needs libvirtd + QEMU and the base image.
if [[ "${CAPKIT_DEMO_REAL_BOOT:-}" == 1 || " $* " == *" --real-boot "* ]]; then
  bash hack/ensure-libvirtd.sh
  bash hack/ensure-base-image.sh >/dev/null
fi
exec java -jar demo/target/capkit-demo.jar "$@"
