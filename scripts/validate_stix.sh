#!/usr/bin/env bash
# Validates STIX bundles with the OASIS validator, pinned (3.3.1's wheel lacks its schemas).
# Usage: scripts/validate_stix.sh [VALIDATOR OPTIONS] BUNDLE.json...
# The venv is the one .ci/run installs (target/ci-tools/stix-venv; override with $STIX_VENV).
# Cordon's tests run it as `--strict -d 103,202`: every warning fails except deterministic
# (UUIDv5) ids and indicators based on observables, both deliberate (see docs/sharing.md).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${STIX_VENV:-$repo/target/ci-tools/stix-venv}"
if [ ! -x "$venv/bin/stix2_validator" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet stix2-validator==3.3.2 stix2==3.0.2 >&2
fi
exec "$venv/bin/stix2_validator" "$@"
