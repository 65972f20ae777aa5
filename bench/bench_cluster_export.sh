#!/bin/sh
# proceeds cluster export --all on a simulated 1M-tx economy
# (`proceeds simulate --txs 1000000 --fast-sigs`), indexed and clustered:
# rows, wall seconds, rows/s and peak RSS of `--csv > file` (three runs:
# the first may read the index from disk) and of `--json > file`.
# Figures go to bench/RESULTS.md ("cluster export --all") by hand.
# CLUSTER_EXPORT_TXS overrides the size; CLUSTER_EXPORT_DIR keeps the
# simulated chain and its index there (reused when present).
set -eu
P="$PROCEEDS"
TXS="${CLUSTER_EXPORT_TXS:-1000000}"
if [ -n "${CLUSTER_EXPORT_DIR:-}" ]; then
	D=$CLUSTER_EXPORT_DIR
	mkdir -p "$D"
else
	D=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-bench-cx.XXXXXX")
	trap 'rm -rf "$D"' EXIT
fi
C="--network regtest --db $D/db"

if [ ! -d "$D/sim" ]; then
	echo "simulate $TXS txs"
	"$P" simulate -q --fast-sigs --seed 11 --txs "$TXS" --out "$D/sim" >/dev/null
fi
echo "index"
"$P" index -q $C --blocks "$D/sim/blocks"
echo "cluster build"
"$P" cluster -q $C build --json > "$D/build.json"
addrs=$(sed -n 's/^  "addresses": \([0-9]*\).*/\1/p' "$D/build.json")
clusters=$(sed -n 's/^  "clusters": \([0-9]*\).*/\1/p' "$D/build.json")
echo "index: $addrs addresses, $clusters clusters"

# Runs the export with FORMAT into $D/out; prints rows, s, rows/s, RSS.
measure() {
	fmt=$1
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$P" cluster -q $C export --all "$fmt" \
			> "$D/out" 2> "$D/time"
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":");
			s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$D/time")
		rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$D/time")
		cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$D/time")
	else
		# no GNU time: wall clock from date, peak RSS from /proc (VmHWM)
		t0=$(date +%s.%N)
		"$P" cluster -q $C export --all "$fmt" > "$D/out" &
		pid=$!
		rss=0
		while kill -0 $pid 2>/dev/null; do
			v=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
			[ -n "$v" ] && rss=$v
			sleep 0.05
		done
		wait $pid
		wall=$(echo "$t0 $(date +%s.%N)" | awk '{ print $2 - $1 }')
		cpu="?"
	fi
	rows=$(wc -l < "$D/out")
	[ "$fmt" = "--csv" ] && rows=$((rows - 1))
	[ "$rows" -eq "$addrs" ] || { echo "FAIL: $rows rows for $addrs addresses"; exit 1; }
	echo "$fmt $rows $wall $cpu $rss $(wc -c < "$D/out")" | awk '{
		printf "%-6s rows %d  %.2f s wall (%s CPU s)  %.0f rows/s  peak RSS %.1f MiB  %.1f MB out\n",
		       $1, $2, $3, $4, ($3 > 0 ? $2 / $3 : 0), $5 / 1024, $6 / 1e6 }'
}

for run in 1 2 3; do
	measure --csv
done
measure --json
