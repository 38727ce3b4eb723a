#!/usr/bin/env bash
# Benchmarks `iamscope audit` on synthetic accounts of growing size (release build).
# Usage: scripts/bench-audit.sh [SIZES...]   (default: 500 1000 2500 5000 roles)
# Each account has 4 customer managed policies and 10 tagged resources per role,
# so 5000 roles = 20,000 policies and 50,000 resources. Prints wall time and peak
# memory (GNU time) of the whole command: loading, every check, JSON rendering.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-500 1000 2500 5000}")
cargo build --release --quiet --bin iamscope --example gen_account
for n in ${sizes[*]}; do
    dir="target/bench-accounts/$n"
    if [[ ! -d "$dir" ]]; then
        ./target/release/examples/gen_account --roles "$n" --policies $((n * 4)) \
            --resources $((n * 10)) --out "$dir" >/dev/null
    fi
    for run in 1 2 3; do
        /usr/bin/time -f "roles=$n run=$run: %e s wall, %U s user, %M KiB peak" \
            ./target/release/iamscope audit --snapshot "$dir" --region us-east-1 \
            --log-group /aws/eks/chalk/cluster --allow-partial --format json -o /dev/null || true
    done
done
