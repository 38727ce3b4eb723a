#!/usr/bin/env bash
# Installs the differential-testing oracle (tests/oracle/node_modules) from the
# committed package-lock.json. The oracle, @cloud-copilot/iam-simulate, is
# AGPL-3.0: it is installed here at test time only and never committed.
#
# Idempotent: does nothing when node_modules already matches the lock file.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
oracle="$root/tests/oracle"
stamp="$oracle/node_modules/.iamscope-lock-sha256"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "oracle-setup: node and npm are required (apt-get install nodejs npm)" >&2
    exit 1
fi

want="$(sha256sum "$oracle/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi

npm ci --prefix "$oracle" --no-audit --no-fund --loglevel=error >/dev/null
echo "$want" > "$stamp"
echo "oracle-setup: installed $(node -p "require('$oracle/node_modules/@cloud-copilot/iam-simulate/package.json').version" 2>/dev/null || echo '?') of @cloud-copilot/iam-simulate"
