#!/usr/bin/env bash
# Times iamscope against parliament over the AWS managed-policy corpus; see docs/performance.md.
#
# Usage: scripts/bench-lint.sh [RUNS]   (default 5; needs python3 with venv, network for pip
# on the first run). Builds the release binary once and reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
CORPUS=.corpus/aws-managed
VENV=target/bench-venv
PARLIAMENT_VERSION=1.6.4

python3 scripts/fetch-corpus.py
if [ ! -x "$VENV/bin/parliament" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "parliament==$PARLIAMENT_VERSION"
fi
cargo build --release --quiet

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Wall seconds of one run of "$@", output discarded.
wall() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true   # both tools exit non-zero when they find something
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

FILES=("$CORPUS"/*.json)
echo "corpus: ${#FILES[@]} policies; $(nproc) cores; runs: $RUNS"

echo "== library, parse + every rule, one process (cargo bench)"
cargo bench --quiet --bench lint_corpus -- 15 2>/dev/null

echo "== iamscope lint CLI, all files in one invocation (JSON output)"
for _ in $(seq "$RUNS"); do wall target/release/iamscope lint "${FILES[@]}" --format json; done \
  | median | tee /tmp/iamscope-cli.s | sed 's/^/median s: /'

# parliament's --directory mode aborts the whole run on the first policy it cannot parse
# (two corpus policies use condition-key types it does not know), so the fastest honest
# way is one Python process calling parliament's own analyze_policy_string per file, as
# --directory does, counting the crashes.
cat > target/bench-parliament.py <<'PY'
import pathlib, sys
from parliament import analyze_policy_string
crashed = findings = 0
files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
for path in files:
    try:
        findings += len(analyze_policy_string(path.read_text(), str(path)).findings)
    except Exception:
        crashed += 1
print(f"parliament: {len(files)} files, {findings} findings, {crashed} crashed", file=sys.stderr)
PY
"$VENV/bin/python" target/bench-parliament.py "$CORPUS"
echo "== parliament $PARLIAMENT_VERSION, one process over all files"
for _ in $(seq "$RUNS"); do wall "$VENV/bin/python" target/bench-parliament.py "$CORPUS"; done \
  | median | tee /tmp/parliament.s | sed 's/^/median s: /'

echo "ratio parliament / iamscope CLI: $(echo "$(cat /tmp/parliament.s) / $(cat /tmp/iamscope-cli.s)" | bc -l | cut -c1-5)"
