#!/usr/bin/env bash
# Validates STIX bundles with the OASIS validator, pinned (3.3.1's wheel lacks its schemas).
# Usage: scripts/validate_stix.sh BUNDLE.json...   (venv: $STIX_VENV, default /tmp/cordon-stix-venv)
set -euo pipefail
venv="${STIX_VENV:-/tmp/cordon-stix-venv}"
if [ ! -x "$venv/bin/stix2_validator" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet stix2-validator==3.3.2 stix2==3.0.2 >&2
fi
exec "$venv/bin/stix2_validator" "$@"
