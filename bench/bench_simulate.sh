#!/bin/sh
# proceeds simulate: speed (tx/s, CPU and wall) and peak memory against the
# live UTXO set, at two chain lengths with the same population with
# --fast-sigs, and one shorter run with real signatures (the default).
# Figures go to bench/RESULTS.md ("simulate") by hand.
set -eu
P="${PROCEEDS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
TXS_SMALL=${SIM_BENCH_SMALL:-250000}
TXS_BIG=${SIM_BENCH_BIG:-1000000}
TXS_REAL=${SIM_BENCH_REAL:-100000}
USERS=${SIM_BENCH_USERS:-40000}

run() { # txs [flags]
	flags=${2:-}
	rm -rf "$T/out"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$P" simulate --out "$T/out" --txs "$1" --users "$USERS" \
			--seed 11 --json -q $flags >"$T/json" 2>"$T/time"
		cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$T/time")
		wall=$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); w=0; for(i=1;i<=n;i++) w=w*60+a[i]; print w}' "$T/time")
		rss=$(awk -F': ' '/Maximum resident/ {print int($2/1024)}' "$T/time")
	else
		s=$(date +%s.%N)
		"$P" simulate --out "$T/out" --txs "$1" --users "$USERS" --seed 11 --json -q $flags >"$T/json"
		e=$(date +%s.%N)
		cpu="?"; wall=$(echo "$e - $s" | bc); rss="?"
	fi
	live=$(sed -n 's/.*"peak_live_outputs": \([0-9]*\).*/\1/p' "$T/json")
	mb=$(du -sm "$T/out/blocks" | cut -f1)
	echo "simulate ${flags:-(real signatures)}: $1 txs ($USERS users): cpu ${cpu}s wall ${wall}s" \
	     "$(awk -v n="$1" -v c="$cpu" 'BEGIN {printf "%.0f", n/c}') tx/s cpu," \
	     "$(awk -v n="$1" -v w="$wall" 'BEGIN {printf "%.0f", n/w}') tx/s wall;" \
	     "peak RSS ${rss} MB, peak live outputs $live" \
	     "($(awk -v r="$rss" -v l="$live" 'BEGIN {printf "%.0f", r*1048576/l}') B/output);" \
	     "blocks ${mb} MB"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
run "$TXS_SMALL" --fast-sigs
run "$TXS_BIG" --fast-sigs
run "$TXS_REAL"
