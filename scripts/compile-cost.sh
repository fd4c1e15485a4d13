#!/usr/bin/env bash
# Compile cost of the generated `segmind` crate: wall time of `cargo build`
# (debug, dependencies already built, non-incremental as for a crate
# downloaded from a registry), peak compiler memory and generated line count,
# for five of the real specs and for COUNT synthetic ones (all endpoints, and one
# endpoint picked by cargo feature).
#
# Both crates are built in `cargo xtask scale` workspaces: `--count N` makes
# one renamed copy of each of the first N real specs (and more copies past
# the catalogue's size), so `COUNT=29` is the real catalogue in all but its
# names and the five-spec crate is its first five; neither workspace carries
# the root's [profile] tuning for the generator (its optimised syn would
# speed up the proc macros a user's build runs unoptimised).
#
#   scripts/compile-cost.sh            # 5 timed runs per row
#   RUNS=10 COUNT=500 scripts/compile-cost.sh
#
# Needs hyperfine and GNU time (`apt-get install -y hyperfine time`).
# Scratch files go to target/compile-cost (its own target folder, so other
# builds in the checkout neither disturb nor are disturbed by it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${COMPILE_COST_DIR:-$root/target/compile-cost}
runs=${RUNS:-5}
count=${COUNT:-200}
export CARGO_TARGET_DIR="$work/target"
# A user building the crate from a registry gets no incremental cache.
export CARGO_INCREMENTAL=0

for tool in hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install -y hyperfine time)" >&2; exit 1; }
done

mkdir -p "$work"
cd "$root"
cargo build --quiet -p xtask
cargo xtask scale --count 5 --out "$work/scale-5" 2>/dev/null
cargo xtask scale --count "$count" --out "$work/scale-$count" 2>/dev/null

# The first endpoint feature of a crate's default list: the first entry
# that names a generated module (the list also holds `rustls`). (One awk,
# no `| head`: under `pipefail` a closed pipe would end the script.)
first_feature() {
    awk -v dir="$1/src/generated" '
        /^default = \[/ { inside = 1; next }
        inside && /\]/ { exit }
        inside { gsub(/[ ",]/, ""); if ((getline line < (dir "/" $0 ".rs")) > 0) { print; exit } }
    ' "$1/Cargo.toml"
}

# Lines of generated Rust a build with these features compiles.
lines() {
    local crate=$1 feature=${2:-}
    if [ -z "$feature" ]; then
        # Not cli.rs: the command-line tool's table builds only with `cli`.
        find "$crate/src/generated" -name '*.rs' ! -name cli.rs -exec cat {} + | wc -l
    else
        cat "$crate/src/generated/mod.rs" "$crate/src/generated/enums.rs" "$crate/src/generated/$feature.rs" | wc -l
    fi
}

# measure LABEL WORKSPACE_MANIFEST CRATE_DIR [FEATURE]
measure() {
    local label=$1 manifest=$2 crate=$3 feature=${4:-}
    local args=(build --quiet --manifest-path "$manifest" -p segmind)
    if [ -n "$feature" ]; then
        args+=(--no-default-features --features "$feature")
    fi
    # Builds the dependencies once; they are not part of the figure.
    cargo "${args[@]}"
    local json="$work/$label.json"
    hyperfine --style none --warmup 1 --runs "$runs" \
        --prepare "touch $crate/src/lib.rs" \
        --export-json "$json" \
        "cargo ${args[*]}" >/dev/null 2>&1
    touch "$crate/src/lib.rs"
    local peak_kb
    peak_kb=$(/usr/bin/time -v cargo "${args[@]}" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
    python3 - "$json" "$label" "$peak_kb" "$(lines "$crate" "$feature")" <<'PY'
import json, statistics, sys
path, label, peak_kb, lines = sys.argv[1:]
result = json.load(open(path))["results"][0]
times = result["times"]
# CPU time moves less than wall time when other work shares the machine.
cpu = result["user"] + result["system"]  # hyperfine gives their means
print(f"| {label} | {statistics.median(times):.2f} s | {min(times):.2f}–{max(times):.2f} s | "
      f"{cpu:.2f} s | {int(peak_kb) / 1024 / 1024:.2f} GB | {int(lines):,} |")
PY
}

echo
echo "compile cost: $(nproc) cores, $(rustc --version), $runs runs each, CARGO_INCREMENTAL=0, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| crate | median | min–max | CPU (user + sys), mean | peak memory | generated lines compiled |"
echo "|---|---|---|---|---|---|"
real="$work/scale-5"
first=$(first_feature "$real/generated-client")
measure "5 specs (the first five real ones), all endpoints" "$real/Cargo.toml" "$real/generated-client"
measure "5 specs, one endpoint ($first)" "$real/Cargo.toml" "$real/generated-client" "$first"
scale="$work/scale-$count"
one=$(first_feature "$scale/generated-client")
measure "$count synthetic specs, all endpoints" "$scale/Cargo.toml" "$scale/generated-client"
measure "$count synthetic specs, one endpoint ($one)" "$scale/Cargo.toml" "$scale/generated-client" "$one"
