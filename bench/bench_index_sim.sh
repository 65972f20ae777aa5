#!/bin/sh
# proceeds index end to end (blk files -> index) on a simulated 1M-tx
# regtest economy: tx/s, peak RSS, index size against blk size.
# PROCEEDS_BENCH_INDEX_SIM_TXS overrides the size.
set -eu
P=${PROCEEDS:?}
N=${PROCEEDS_BENCH_INDEX_SIM_TXS:-1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-bench-index.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$P" simulate -q --out "$T/sim" --txs "$N" >/dev/null
start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$T/rss" "$P" index -q --network regtest --db "$T/db" --blocks "$T/sim/blocks"
else
	echo 0 > "$T/rss"
	"$P" index -q --network regtest --db "$T/db" --blocks "$T/sim/blocks"
fi
end=$(date +%s.%N)
blk=$(du -sb "$T/sim/blocks" | cut -f1)
idx=$(du -sb "$T/db" | cut -f1)
awk -v n="$N" -v s="$start" -v e="$end" -v r="$(cat "$T/rss")" -v b="$blk" -v i="$idx" 'BEGIN {
	printf "index of a simulated %d-tx chain: %.1f s, %.0f tx/s end to end\n", n, e - s, n / (e - s);
	printf "  peak RSS %.0f MiB; index %.1f MiB vs blk %.1f MiB (ratio %.2f)\n", r / 1024, i / 1048576, b / 1048576, i / b }'
