#!/bin/sh
# proceeds trace against the simulator's ground truth: on ransomware runs
# (no CoinJoin on the criminal's path) the FIFO trace from the victims'
# payments finds every cash-out at its deposit address with exactly the
# truth's amount, the unspent remainder, and the fees, to the satoshi.
# TRACE_SIM_SEEDS overrides the seeds (bench/bench_trace_sim.sh runs more).
set -u
P="$PROCEEDS"
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq not found (make deps)"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

one() {
	seed=$1 txs=$2 S="$D/sim$1"
	"$P" simulate -q --out "$S" --seed "$seed" --txs "$txs" >/dev/null 2>&1 || fail "simulate $seed"
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks" || fail "index $seed"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null || fail "tags $seed"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/trace.json" || fail "trace $seed"
	# truth: every cash-out and every unspent remainder, "outpoint value"
	jq -r '.crime | (.cashouts[], .unspent[]) | "\(.txid):\(.vout) \(.value)"' \
		"$S/truth.json" | sort >"$S/want"
	jq -r '(.exits[], .unspent[]) | "\(.outpoint) \(.traced.fifo)"' "$S/trace.json" |
		sort >"$S/got"
	missing=$(comm -23 "$S/want" "$S/got" | wc -l)
	[ "$missing" = 0 ] || fail "seed $seed: FIFO misses $missing truth outputs: $(comm -23 "$S/want" "$S/got" | head -3)"
	t_out=$(jq '.crime.totals.cashed_out' "$S/truth.json")
	t_fee=$(jq '.crime.totals.fees' "$S/truth.json")
	t_seed=$(jq '.crime.totals.seeded' "$S/truth.json")
	g_seed=$(jq '.totals.seeded' "$S/trace.json")
	g_fee=$(jq '.totals.fees.fifo' "$S/trace.json")
	g_exit=$(jq '.totals.at_exits.fifo' "$S/trace.json")
	[ "$t_seed" = "$g_seed" ] || fail "seed $seed: seeded $g_seed, truth $t_seed"
	[ "$t_fee" = "$g_fee" ] || fail "seed $seed: fees $g_fee, truth $t_fee"
	n_cash=$(jq '.crime.cashouts | length' "$S/truth.json")
	n_exit=$(jq '.exits | length' "$S/trace.json")
	n_inf=$(jq '[.exits[] | select(.basis == "inferred")] | length' "$S/trace.json")
	echo "sim seed $seed ($txs txs): $n_cash cash-outs, $n_exit exits ($n_inf inferred from sweeps), FIFO at exits $g_exit sat (truth cashed out $t_out, swept or tagged part matched to the satoshi), fees $g_fee = truth"
}

for s in ${TRACE_SIM_SEEDS:-7 11}; do one "$s" "${TRACE_SIM_TXS:-4000}"; done
echo "e2e_trace_sim: ok"
