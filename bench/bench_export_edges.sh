#!/bin/sh
# proceeds export edges on a simulated 1M-tx economy (`proceeds simulate
# --txs 1000000 --fast-sigs`), indexed: for the tx level (twice: the first
# run may read the index from disk) and the address level, the rows
# against the documented count (tx: inputs + outputs of `index --verify
# --json`; address: the distinct input x output addresses of every
# non-coinbase tx, counted by awk from the tx-level files), wall seconds,
# CPU seconds, rows/s, peak RSS and bytes written. Figures go to
# bench/RESULTS.md ("export edges") by hand. EXPORT_EDGES_TXS overrides
# the size; EXPORT_EDGES_DIR keeps the simulated chain and its index there
# (reused when present). Run it niced on a shared machine:
# `nice -n 10 sh bench/bench_export_edges.sh`.
set -eu
P="$PROCEEDS"
TXS="${EXPORT_EDGES_TXS:-1000000}"
if [ -n "${EXPORT_EDGES_DIR:-}" ]; then
	D=$EXPORT_EDGES_DIR
	mkdir -p "$D"
else
	D=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-bench-ee.XXXXXX")
	trap 'rm -rf "$D"' EXIT
fi
C="--network regtest --db $D/db"

if [ ! -d "$D/sim" ]; then
	echo "simulate $TXS txs"
	"$P" simulate -q --fast-sigs --seed 11 --txs "$TXS" --out "$D/sim" >/dev/null
fi
if [ ! -d "$D/db" ]; then
	echo "index"
	"$P" index -q $C --blocks "$D/sim/blocks"
fi
"$P" index $C --verify --json > "$D/verify.json"
ins=$(sed -n 's/^  "inputs": \([0-9]*\).*/\1/p' "$D/verify.json")
outs=$(sed -n 's/^  "outputs": \([0-9]*\).*/\1/p' "$D/verify.json")
txs=$(sed -n 's/^  "txs": \([0-9]*\).*/\1/p' "$D/verify.json")
echo "index: $txs txs, $ins inputs, $outs outputs; $(nproc) cores"

# Runs export edges at LEVEL into $D/out-LEVEL; prints the figures.
measure() {
	level=$1 want=$2
	rm -rf "$D/out-$level"
	/usr/bin/time -v "$P" export -q edges $C --level "$level" \
		--out "$D/out-$level" --json > "$D/sum-$level.json" 2> "$D/time"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":");
		s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$D/time")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$D/time")
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$D/time")
	rows=$(sed -n 's/^  "rows": \([0-9]*\).*/\1/p' "$D/sum-$level.json")
	bytes=$(du -sb "$D/out-$level" | cut -f1)
	[ "$rows" -eq "$want" ] || { echo "FAIL: $level: $rows rows, documented $want"; exit 1; }
	echo "$level $rows $want $wall $cpu $rss $bytes" | awk '{
		printf "%-7s rows %d (documented %d)  %.1f s wall (%.1f CPU s)  %.0f rows/s  peak RSS %.0f MiB  %.2f GB written\n",
		       $1, $2, $3, $4, $5, ($4 > 0 ? $2 / $4 : 0), $6 / 1024, $7 / 1e9 }'
}

measure tx $((ins + outs))
measure tx $((ins + outs))
# the address level's documented count, from the tx-level rows (a tx's
# rows are contiguous: its inputs, then its outputs)
pairs=$(for f in "$D"/out-tx/edges/csv/*/part.csv; do tail -n +2 "$f"; done | awk -F, '
	$2 != cur { if (ni) s += ni * no; cur = $2; ni = no = 0; delete I; delete O }
	$1 == "in" && !($8 in I) { I[$8] = 1; ni++ }
	$1 == "out" && !($8 in O) { O[$8] = 1; no++ }
	END { if (ni) s += ni * no; printf "%.0f\n", s }')
measure address "$pairs"

# The way back: cluster build, export --all --csv, then `cluster import`
# of that map (rows in id order: matched by position) and of the same
# map reversed (every row an address lookup), each followed by an export
# that must equal the first.
"$P" cluster -q $C build > /dev/null
"$P" cluster -q $C export --all --csv > "$D/all.csv"
{ head -1 "$D/all.csv"; tail -n +2 "$D/all.csv" | tac; } > "$D/all-rev.csv"
for map in all.csv all-rev.csv; do
	/usr/bin/time -v "$P" cluster -q $C import "$D/$map" > /dev/null 2> "$D/time"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":");
		s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$D/time")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$D/time")
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$D/time")
	"$P" cluster -q $C export --all --csv | cmp -s - "$D/all.csv" ||
		{ echo "FAIL: import of $map changed the clustering"; exit 1; }
	echo "import $map $(($(wc -l < "$D/$map") - 1)) $wall $cpu $rss" | awk '{
		printf "%-6s %-11s rows %d  %.1f s wall (%.1f CPU s)  peak RSS %.0f MiB\n",
		       $1, $2, $3, $4, $5, $6 / 1024 }'
done
