#!/usr/bin/env bash
# The compile-cost guard (issue 24): builds the generated `segmind` crate of
# a `cargo xtask scale` fixture (COUNT endpoints) and its floor crate
# (`segmind-floor`: the same request types as plain serde structs, no
# validation, no client), both in the same run, and fails when segmind's
# build takes more than BUDGET times the floor's, in wall time or in peak
# memory. A ratio measured in one run survives a slower or busier machine;
# an absolute time does not.
#
# Convention as in scripts/compile-cost.sh (BENCHMARKS.md §4): debug,
# dependencies built first and not counted, CARGO_INCREMENTAL=0, `touch
# src/lib.rs` before each timed build, peak memory from `/usr/bin/time -v`
# (the largest process, rustc), medians. The timed builds alternate
# (segmind, floor, segmind, floor, ...) so that a change in the machine's
# load falls on both.
#
#   scripts/compile-guard.sh
#   RUNS=5 COUNT=200 BUDGET=0.6 scripts/compile-guard.sh
#   TIME_BUDGET=0.6 MEMORY_BUDGET=0.8 scripts/compile-guard.sh
#
# Needs GNU time at /usr/bin/time (`apt-get install -y time`) and python3;
# not hyperfine. Scratch files go to target/compile-guard (COMPILE_GUARD_DIR),
# with their own target folder.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${COMPILE_GUARD_DIR:-$root/target/compile-guard}
count=${COUNT:-200}
runs=${RUNS:-3}
budget=${BUDGET:-0.6}
time_budget=${TIME_BUDGET:-$budget}
memory_budget=${MEMORY_BUDGET:-$budget}

if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time (GNU time) is missing; install it with: apt-get install -y time" >&2
    exit 1
fi
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "error: /usr/bin/time is not GNU time (it has no -v); install it with: apt-get install -y time" >&2
    exit 1
fi
command -v python3 >/dev/null || { echo "error: python3 is missing" >&2; exit 1; }
case $runs in '' | *[!0-9]* | 0) echo "error: RUNS must be a positive whole number, not '$runs'" >&2; exit 1 ;; esac

mkdir -p "$work"
cd "$root"
fixture="$work/scale-$count"
# The generator builds in the workspace's own target folder (CI has it
# already); only the measured builds use the scratch one.
cargo build --quiet -p xtask
if ! scale_log=$(cargo xtask scale --count "$count" --out "$fixture" 2>&1); then
    echo "$scale_log" >&2
    exit 1
fi

export CARGO_TARGET_DIR="$work/target"
# A user building the crate from a registry gets no incremental cache.
export CARGO_INCREMENTAL=0
# The default debug profile, full debug info included, whatever the caller
# set (.ci/run lowers it for its own builds to save disk).
unset CARGO_PROFILE_DEV_DEBUG
manifest="$fixture/Cargo.toml"

# Dependencies of both crates (and each crate once), not timed.
cargo build --quiet --manifest-path "$manifest" -p segmind -p segmind-floor

# timed PACKAGE CRATE_DIR: one touched build; appends "wall_seconds peak_kb".
timed() {
    local package=$1 crate=$2 report="$work/time.txt"
    touch "$crate/src/lib.rs"
    if ! /usr/bin/time -v -o "$report" cargo build --quiet --manifest-path "$manifest" -p "$package"; then
        echo "error: cargo build -p $package failed" >&2
        exit 1
    fi
    python3 - "$report" >>"$work/$package.samples" <<'PY'
import sys
fields = {}
for line in open(sys.argv[1]):
    key, _, value = line.strip().rpartition(": ")
    fields[key] = value
# "Elapsed (wall clock) time (h:mm:ss or m:ss)": m:ss.ss or h:mm:ss.
wall = 0.0
for part in fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
    wall = wall * 60 + float(part)
print(wall, fields["Maximum resident set size (kbytes)"])
PY
}

rm -f "$work/segmind.samples" "$work/segmind-floor.samples"
for _ in $(seq "$runs"); do
    timed segmind "$fixture/generated-client"
    timed segmind-floor "$fixture/floor"
done

python3 - "$work/segmind.samples" "$work/segmind-floor.samples" "$count" "$runs" "$time_budget" "$memory_budget" <<'PY'
import os, statistics, subprocess, sys

ours_path, floor_path, count, runs, time_budget, memory_budget = sys.argv[1:]
time_budget, memory_budget = float(time_budget), float(memory_budget)

def samples(path):
    rows = [line.split() for line in open(path) if line.strip()]
    return [float(wall) for wall, _ in rows], [int(kb) for _, kb in rows]

ours_wall, ours_kb = samples(ours_path)
floor_wall, floor_kb = samples(floor_path)
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
load = open("/proc/loadavg").read().split()[:3]
print()
print(f"compile guard: {count} endpoints, {runs} interleaved runs each, {os.cpu_count()} cores, "
      f"{rustc}, CARGO_INCREMENTAL=0, load average {' '.join(load)}")
print()
print("| crate | median wall | peak memory (median) | wall, each run |")
print("|---|---:|---:|---|")
def row(name, wall, kb):
    each = ", ".join(f"{w:.2f}" for w in wall)
    print(f"| {name} | {statistics.median(wall):.2f} s | {statistics.median(kb) / 1024 / 1024:.2f} GB | {each} s |")
row(f"segmind ({count} endpoints)", ours_wall, ours_kb)
row("segmind-floor (plain serde structs)", floor_wall, floor_kb)
time_ratio = statistics.median(ours_wall) / statistics.median(floor_wall)
memory_ratio = statistics.median(ours_kb) / statistics.median(floor_kb)
print()
print(f"segmind / floor: build time {time_ratio:.2f}× (budget {time_budget}×), "
      f"peak memory {memory_ratio:.2f}× (budget {memory_budget}×)")
failed = False
if time_ratio > time_budget:
    print(f"error: segmind's build time is {time_ratio:.2f}× the floor's, over the time budget of "
          f"{time_budget}× (TIME_BUDGET, or BUDGET for both)", file=sys.stderr)
    failed = True
if memory_ratio > memory_budget:
    print(f"error: segmind's peak memory is {memory_ratio:.2f}× the floor's, over the memory budget of "
          f"{memory_budget}× (MEMORY_BUDGET, or BUDGET for both)", file=sys.stderr)
    failed = True
sys.exit(1 if failed else 0)
PY
