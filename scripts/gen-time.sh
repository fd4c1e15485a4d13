#!/usr/bin/env bash
# Whole-process time of `cargo xtask gen` on N synthetic specs (default
# 200), once xtask is built, as the maintainer runs it: median and min–max
# of hyperfine's runs, for three cases:
#   - up to date: every generated file already matches (generate + compare);
#   - writing: the generated folder and API.md removed before each run, so
#     every endpoint file is written again;
#   - the xtask binary alone, without `cargo run`'s start-up.
#
#   scripts/gen-time.sh              # 200 specs, 40 runs each
#   COUNT=1000 RUNS=20 scripts/gen-time.sh
#
# Needs hyperfine (`apt-get install -y hyperfine`). The fixture goes to
# target/gen-time-N, outside spec/ and the committed crate.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
count=${COUNT:-200}
runs=${RUNS:-40}
out="target/gen-time-$count"
command -v hyperfine >/dev/null || { echo "error: hyperfine is missing (apt-get install -y hyperfine)" >&2; exit 1; }

cargo build --quiet -p xtask
cargo xtask scale --count "$count" --out "$out" >/dev/null 2>&1
json=$(mktemp)
trap 'rm -f "$json"' EXIT

hyperfine --warmup 3 --runs "$runs" --export-json "$json" --style none \
    --command-name "up to date" "cargo xtask gen --root $out" \
    --command-name "writing" --prepare "rm -rf $out/generated-client/src/generated $out/generated-client/API.md" "cargo xtask gen --root $out" \
    --command-name "binary alone" "target/debug/xtask gen --root $out" >/dev/null 2>&1

python3 - "$json" "$count" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
print(f"cargo xtask gen, {sys.argv[2]} specs ({len(results[0]['times'])} runs each):")
for r in results:
    t = [s * 1000 for s in r["times"]]
    print(f"  {r['command']:<13} median {statistics.median(t):6.0f} ms ({min(t):.0f}–{max(t):.0f})")
PY
