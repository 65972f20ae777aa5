#!/bin/sh
# proceeds index end to end (blk files -> index) on a simulated 1M-tx
# regtest economy: tx/s on the wall clock and per CPU second (all threads,
# LevelDB's compaction included), the load average, peak RSS, index size
# against blk size. PROCEEDS_BENCH_INDEX_SIM_TXS overrides the size;
# PROCEEDS_BENCH_INDEX_SIM_DIR reuses a chain already simulated there
# (`proceeds simulate --fast-sigs --out DIR --txs N`). Signatures are
# placeholders (--fast-sigs): the indexer does not check them.
set -eu
P=${PROCEEDS:?}
N=${PROCEEDS_BENCH_INDEX_SIM_TXS:-1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-bench-index.XXXXXX")
trap 'rm -rf "$T"' EXIT
SIM=${PROCEEDS_BENCH_INDEX_SIM_DIR:-}
if [ -z "$SIM" ]; then
	SIM=$T/sim
	"$P" simulate -q --fast-sigs --out "$SIM" --txs "$N" >/dev/null
fi
start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M %U %S' -o "$T/rss" "$P" index -q --network regtest --db "$T/db" --blocks "$SIM/blocks"
else
	echo "0 0 0" > "$T/rss"
	"$P" index -q --network regtest --db "$T/db" --blocks "$SIM/blocks"
fi
end=$(date +%s.%N)
load=$(cut -d' ' -f1 /proc/loadavg)
blk=$(du -sb "$SIM/blocks" | cut -f1)
idx=$(du -sb "$T/db" | cut -f1)
txs=$("$P" index -q --network regtest --db "$T/db" --verify --json | sed -n 's/.*"txs": \([0-9]*\).*/\1/p')
awk -v n="$txs" -v s="$start" -v e="$end" -v t="$(cat "$T/rss")" -v b="$blk" -v i="$idx" -v l="$load" 'BEGIN {
	split(t, r, " "); cpu = r[2] + r[3];
	printf "index of a simulated %d-tx chain: %.1f s, %.0f tx/s end to end (load average %s)\n", n, e - s, n / (e - s), l;
	printf "  %.1f CPU s (user + sys, all threads): %.0f tx per CPU second\n", cpu, (cpu > 0 ? n / cpu : 0);
	printf "  peak RSS %.0f MiB; index %.1f MiB vs blk %.1f MiB (ratio %.2f)\n", r[1] / 1024, i / 1048576, b / 1048576, i / b }'
