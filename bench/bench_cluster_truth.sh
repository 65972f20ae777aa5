#!/bin/sh
# Clustering error rates against the simulator's ground truth
# (bench/bench_cluster_truth.c): simulated economies (ransomware scenario,
# with Whirlpool/WabiSabi CoinJoins and PayJoins) of several seeds and
# sizes are indexed, their tags.csv (hot wallets + 10% of deposit
# addresses) imported, and every heuristic set is measured. Prints the
# table of bench/RESULTS.md and writes the rates (the trace's
# `error_rates` form) to $CLUSTER_RATES_OUT (default build/cluster-error-rates.json),
# which `proceeds trace --error-rates FILE` copies into a trace.
# CLUSTER_TRUTH_RUNS="seed:txs ..." overrides the economies.
set -eu
P="$PROCEEDS"
B="${BUILD:-build}"
RUNS="${CLUSTER_TRUTH_RUNS:-1:100000 2:100000 3:100000 4:300000}"
OUT="${CLUSTER_RATES_OUT:-$B/cluster-error-rates.json}"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
dirs=""
on=""
for r in $RUNS; do
	seed=${r%%:*} txs=${r#*:}
	S="$D/sim$seed-$txs"
	"$P" simulate -q --out "$S" --seed "$seed" --txs "$txs" >/dev/null
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null
	dirs="$dirs $S"
	on="$on${on:+, }seed $seed x $txs txs"
done
MEASURED_ON="proceeds simulate (ransomware scenario, CoinJoins and PayJoins, 10% of deposits tagged): $on; $(date -u +%Y-%m-%d)" \
	"$B/bench/bench_cluster_truth" "$OUT" $dirs
echo "rates written to $OUT"
