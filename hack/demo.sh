#!/usr/bin/env bash
# make demo: run capkit's whole loop on the embedded defaults with the real Cluster API managers.
# Arguments go to the demo (e.g. `bash hack/demo.sh --clusters 10`; `--help` lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/ensure-capi.sh >/dev/null
exec java -jar demo/target/capkit-demo.jar "$@"
