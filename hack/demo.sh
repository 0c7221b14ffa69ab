#!/usr/bin/env bash
# make demo: run capkit's whole loop on the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -jar cli/target/capkit.jar demo "$@"
