#!/usr/bin/env bash
# A noise-free complement to `cargo bench -p segmind --bench client_overhead`:
# counts the user-space instructions per request (client, loopback server
# and runtime together; the kernel's TCP work is not counted) of the
# generated client and of the hand-written reqwest code, with valgrind's
# callgrind. Wall-clock figures on a shared 2-core machine move by several
# per cent from run to run; instruction counts repeat exactly.
#
# Each side runs twice, with 10 and with 30 samples of one 256-request
# batch per concurrency level (1 and 32); the difference between the two
# runs leaves out start-up and is divided by the 2 x 20 x 256 requests.
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
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" \
        "$bench" --bench "$1" --sample-count "$2" --sample-size 1 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

requests=$((2 * 20 * 256))
declare -A per_request
for side in generated_client hand_written_reqwest; do
    low=$(instructions "$side" 10)
    high=$(instructions "$side" 30)
    per_request[$side]=$(((high - low) / requests))
    echo "$side: ${per_request[$side]} instructions per request"
done
python3 -c "import sys; g, h = map(int, sys.argv[1:]); print(f'generated client: {g - h:+d} instructions per request ({100 * (g / h - 1):+.1f}%)')" \
    "${per_request[generated_client]}" "${per_request[hand_written_reqwest]}"
