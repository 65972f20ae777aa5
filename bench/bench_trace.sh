#!/bin/sh
# proceeds trace speed on a large simulated index (default 1M txs, the
# ransomware scenario): a 10-hop trace from the case's seeds, median of 11
# warm runs (whole process: open, trace, JSON), all five models vs FIFO
# alone; then the exploding case (no stop category, poison through the
# exchanges) bounded by --max-edges, with its peak memory.
# TRACE_BENCH_TXS sets the size; TRACE_BENCH_DIR keeps the index between runs.
set -eu
P="$PROCEEDS"
TXS="${TRACE_BENCH_TXS:-1000000}"
D="${TRACE_BENCH_DIR:-}"
if [ -z "$D" ]; then D=$(mktemp -d); trap 'rm -rf "$D"' EXIT; fi
if [ ! -f "$D/ready" ]; then
	t0=$(date +%s.%N)
	"$P" simulate -q --out "$D/sim" --seed 42 --txs "$TXS" --force >/dev/null
	"$P" index -q --network regtest --db "$D/db" --blocks "$D/sim/blocks"
	"$P" tags import -q --network regtest --db "$D/db" "$D/sim/tags.csv" >/dev/null
	echo "built $TXS-tx simulated index in $(awk "BEGIN {print $(date +%s.%N) - $t0}") s"
	touch "$D/ready"
fi

median() {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		t0=$(date +%s%N)
		"$P" trace -q --network regtest --db "$D/db" --case "$D/sim/case.json" \
			--max-hops 10 "$@" --json >"$D/out.json"
		t1=$(date +%s%N)
		[ "$i" = 1 ] || echo $(( (t1 - t0) / 1000 ))   # first run warms the cache
	done | sort -n | sed -n 6p
}

all=$(median --model all)
fifo=$(median --model fifo)
hops=$(jq '.hops | length' "$D/out.json")
echo "10-hop trace, $(jq '.seeds | length' "$D/out.json") seeds, $hops tainted outputs (fifo):"
echo "  all five models: median $all us; fifo alone: median $fifo us; ratio $(awk "BEGIN {printf \"%.2f\", $all / $fifo}")"

t0=$(date +%s%N)
if command -v /usr/bin/time >/dev/null 2>&1; then
	/usr/bin/time -f "%M" -o "$D/rss" "$P" trace -q --network regtest --db "$D/db" \
		--case "$D/sim/case.json" --stop-at none --min-sats 0 --max-edges 100000 \
		--json >"$D/big.json"
	rss="$(cat "$D/rss") KiB peak RSS"
else
	"$P" trace -q --network regtest --db "$D/db" --case "$D/sim/case.json" \
		--stop-at none --min-sats 0 --max-edges 100000 --json >"$D/big.json"
	rss="(no /usr/bin/time for RSS)"
fi
t1=$(date +%s%N)
echo "exploding trace (--stop-at none, all models): $(jq '.hops | length' "$D/big.json") outputs in $(( (t1 - t0) / 1000000 )) ms, $rss; notes: $(jq -c '.notes' "$D/big.json")"
if [ -x "${BUILD:-build}/bench/bench_trace" ]; then
	"${BUILD:-build}/bench/bench_trace" "$D/db" "$D/sim/case.json"
fi
