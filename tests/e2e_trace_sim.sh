#!/bin/sh
# proceeds trace against the simulator's ground truth: on ransomware runs
# (no CoinJoin on the criminal's path) the FIFO trace from the victims'
# payments finds every cash-out at its deposit address with exactly the
# truth's amount, the unspent remainder, and the fees, to the satoshi;
# once with the tags alone, once after `cluster build` (entities from
# cluster labels), each exit naming the truth's exchange.
# TRACE_SIM_SEEDS overrides the seeds (bench/bench_trace_sim.sh runs more).
set -u
P="$PROCEEDS"
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq not found (make deps)"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Checks one trace ($2) of seed $1 against the truth; $3 names the path.
check() {
	seed=$1 T=$2 how=$3
	jq -r '(.exits[], .unspent[]) | "\(.outpoint) \(.traced.fifo)"' "$T" | sort >"$S/got"
	missing=$(comm -23 "$S/want" "$S/got" | wc -l)
	[ "$missing" = 0 ] || fail "seed $seed ($how): FIFO misses $missing truth outputs: $(comm -23 "$S/want" "$S/got" | head -3)"
	t_out=$(jq '.crime.totals.cashed_out' "$S/truth.json")
	t_fee=$(jq '.crime.totals.fees' "$S/truth.json")
	t_seed=$(jq '.crime.totals.seeded' "$S/truth.json")
	g_seed=$(jq '.totals.seeded' "$T")
	g_fee=$(jq '.totals.fees.fifo' "$T")
	g_exit=$(jq '.totals.at_exits.fifo' "$T")
	[ "$t_seed" = "$g_seed" ] || fail "seed $seed ($how): seeded $g_seed, truth $t_seed"
	[ "$t_fee" = "$g_fee" ] || fail "seed $seed ($how): fees $g_fee, truth $t_fee"
	# every exit names the exchange the truth says the cash-out went to
	jq -r '.crime.cashouts[] | "\(.txid):\(.vout) \(.exchange)"' "$S/truth.json" |
		tr 'A-Z' 'a-z' | sort >"$S/want_ent"
	jq -r '.exits[] | "\(.outpoint) \(.entity)"' "$T" | tr 'A-Z' 'a-z' | sort >"$S/got_ent"
	wrong=$(comm -13 "$S/want_ent" "$S/got_ent" | wc -l)
	[ "$wrong" = 0 ] || fail "seed $seed ($how): $wrong exits name another entity: $(comm -13 "$S/want_ent" "$S/got_ent" | head -3)"
	n_cash=$(jq '.crime.cashouts | length' "$S/truth.json")
	n_exit=$(jq '.exits | length' "$T")
	n_inf=$(jq '[.exits[] | select(.basis == "inferred")] | length' "$T")
	n_cl=$(jq '[.exits[] | select(.evidence | startswith("cluster label: "))] | length' "$T")
	n_tag=$(jq '[.exits[] | select(.evidence | startswith("tag: "))] | length' "$T")
	echo "sim seed $seed ($txs txs, $how): $n_cash cash-outs, $n_exit exits ($n_tag tag on address, $n_cl cluster label, $n_inf inferred from sweeps), FIFO at exits $g_exit sat (truth cashed out $t_out, swept or tagged part matched to the satoshi), fees $g_fee = truth"
}

one() {
	seed=$1 txs=$2 S="$D/sim$1"
	"$P" simulate -q --out "$S" --seed "$seed" --txs "$txs" >/dev/null 2>&1 || fail "simulate $seed"
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks" || fail "index $seed"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null || fail "tags $seed"
	# truth: every cash-out and every unspent remainder, "outpoint value"
	jq -r '.crime | (.cashouts[], .unspent[]) | "\(.txid):\(.vout) \(.value)"' \
		"$S/truth.json" | sort >"$S/want"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/trace.json" || fail "trace $seed"
	jq -e '[.exits[] | select(.evidence | startswith("cluster label"))] | length == 0' \
		"$S/trace.json" >/dev/null || fail "seed $seed: a cluster label without a clustering"
	check "$seed" "$S/trace.json" "tags only"
	# the same trace once clusters exist: entities come from cluster labels
	"$P" cluster build -q --network regtest --db "$S/db" >/dev/null || fail "cluster build $seed"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/trace2.json" || fail "trace with clusters $seed"
	check "$seed" "$S/trace2.json" "clusters"
	[ "$n_cl" -gt 0 ] || fail "seed $seed: no exit recognised by a cluster label"
	rates "$seed"
}

# --error-rates copies a measured-rates file into the trace (before notes)
# and refuses a malformed one.
rates() {
	cat >"$S/rates.json" <<'J'
{"format": "proceeds-error-rates/1", "error_rates": [
 {"heuristic": "clustering (multi-input)", "errors": 3, "trials": 1000,
  "measured_on": "test", "extra": "not copied"}]}
J
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--error-rates "$S/rates.json" --json >"$S/trace3.json" || fail "trace --error-rates $1"
	jq -e '.error_rates == [{"heuristic": "clustering (multi-input)", "errors": 3,
		"trials": 1000, "measured_on": "test"}] and (keys_unsorted[-1] == "notes")' \
		"$S/trace3.json" >/dev/null || fail "seed $1: error_rates not carried"
	jq 'del(.error_rates)' "$S/trace3.json" >"$S/t3" && jq . "$S/trace2.json" >"$S/t2"
	cmp -s "$S/t2" "$S/t3" || fail "seed $1: --error-rates changed more than error_rates"
	echo '{"error_rates": [{"heuristic": "x", "errors": 5, "trials": 4, "measured_on": "y"}]}' >"$S/bad.json"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" \
		--error-rates "$S/bad.json" --json >/dev/null 2>"$S/err"
	[ $? = 2 ] && grep -q "errors <= trials" "$S/err" || fail "seed $1: a bad rates file accepted"
}

for s in ${TRACE_SIM_SEEDS:-7 11}; do one "$s" "${TRACE_SIM_TXS:-4000}"; done
echo "e2e_trace_sim: ok"
