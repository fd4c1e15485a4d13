#!/usr/bin/env bash
# A noise-free complement to `cargo bench -p segmind --bench client_overhead`:
# counts the user-space instructions per request (client, loopback server
# and runtime together; the kernel's TCP work is not counted) of the
# generated client and of the hand-written reqwest code, with valgrind's
# callgrind. Wall-clock figures on a shared 2-core machine move by several
# per cent from run to run; instruction counts repeat exactly.
#
# Each side runs twice per concurrency level (1, then 32), with 10 and with
# 30 samples of one 256-request batch; the difference between the two runs
# leaves out start-up and is divided by the 20 x 256 requests. Each level is
# reported on its own, then both together.
#
#   scripts/client-overhead-instructions.sh    # needs valgrind (apt-get install -y valgrind)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "error: valgrind is missing (apt-get install -y valgrind)" >&2; exit 1; }
bench=$(cargo bench -p segmind --bench client_overhead --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "client_overhead" and m.get("executable"):
        print(m["executable"])')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

instructions() {
    CLIENT_OVERHEAD_CONCURRENCY="$3" valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2.$3" \
        "$bench" --bench "$1" --sample-count "$2" --sample-size 1 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

requests=$((20 * 256))
compare() {
    python3 -c "import sys; g, h = map(int, sys.argv[2:]); print(f'{sys.argv[1]}: generated client {g:,} against hand-written {h:,} instructions per request, {g - h:+,d} ({100 * (g / h - 1):+.1f}%)')" "$@"
}
declare -A total
for level in 1 32; do
    declare -A per_request
    for side in generated_client hand_written_reqwest; do
        low=$(instructions "$side" 10 "$level")
        high=$(instructions "$side" 30 "$level")
        per_request[$side]=$(((high - low) / requests))
        total[$side]=$((${total[$side]:-0} + per_request[$side]))
    done
    compare "concurrency $level" "${per_request[generated_client]}" "${per_request[hand_written_reqwest]}"
done
compare "both levels" "$((total[generated_client] / 2))" "$((total[hand_written_reqwest] / 2))"
