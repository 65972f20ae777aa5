#!/bin/sh
# proceeds trace against the simulator's ground truth. one(): on runs
# without a CoinJoin on the criminal's path (scenarios ransomware,
# exchange-hack, scam) the FIFO trace from the case's payments finds every
# cash-out at its deposit address with exactly the truth's amount, the
# unspent remainder, and the fees, to the satoshi; once with the tags
# alone, once after `cluster build` (entities from cluster labels), each
# exit naming the truth's exchange; --error-rates is carried. Every run: each exit
# address is a true deposit address of the exit's entity (truth.json
# roles): a criminal paying a tagged deposit address is not taken for a
# sweep (docs/trace-format.md). mixed() (--crime-coinjoin): every cash-out
# is reached (an exit or unspent), those made before the mix are exact in
# FIFO, and per exit entity the truth is at most poison and, where the
# criminal paid nothing, inside [min, max] of FIFO, LIFO, TIHO and
# haircut under the default CoinJoin rule (each model its own rule across
# the mix); whether a paid entity's truth lies inside is printed, as is
# the same comparison under --coinjoin-rule haircut (neither always
# holds with the mix in WabiSabi's order: see bench/RESULTS.md). TRACE_SIM_RUNS ("scenario:seed ..."),
# TRACE_SIM_MIX_SEEDS and TRACE_SIM_TXS override the runs.
set -u
P="$PROCEEDS"
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq not found (make deps)"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

prepare() { # seed txs dir [simulate options]
	seed=$1 txs=$2 S=$3
	shift 3
	"$P" simulate -q --out "$S" --seed "$seed" --txs "$txs" "$@" >/dev/null 2>&1 || fail "simulate $seed"
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks" || fail "index $seed"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null || fail "tags $seed"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/trace.json" || fail "trace $seed"
}

# Every exit address is a deposit address of the exit's entity per the
# truth; prints "tagged t, inferred i" (all of them true).
true_exits() { # dir trace.json what
	S=$1 T=$2 what=$3
	jq -r '.entities as $e | .addresses[] | "\(.[0]) \($e[.[1]].name) \(.[2])"' \
		"$S/truth.json" | sort >"$S/roles"
	jq -r '.exits[] | "\(.address) \(.entity | ascii_downcase) \(.basis)"' "$T" |
		sort | join - "$S/roles" >"$S/exit_roles"
	[ "$(wc -l <"$S/exit_roles")" = "$(jq '.exits | length' "$T")" ] ||
		fail "$what: an exit address is not in the truth"
	bad=$(awk '$2 != $4 || $5 != "deposit"' "$S/exit_roles")
	[ -z "$bad" ] || fail "$what: exits that are not deposit addresses of their entity: $bad"
	echo "tagged $(awk '$3 == "tagged"' "$S/exit_roles" | wc -l), inferred $(awk '$3 == "inferred"' "$S/exit_roles" | wc -l)"
}

. "$(dirname "$0")/lib_trace_sim.sh"

mixed() {
	seed=$1 txs=$2 S="$D/mix$1"
	prepare "$seed" "$txs" "$S" --crime-coinjoin
	n_mixed=$(jq '[.crime.cashouts[] | select(.mixed)] | length' "$S/truth.json")
	[ "$n_mixed" -ge 1 ] || fail "mix seed $seed: no cash-out passed through a CoinJoin"
	mix=$(jq -r '.crime.hops[] | select(.kind == "coinjoin") | .txid' "$S/truth.json")
	jq -e --arg m "$mix" '[.coinjoins[] | select(.txid == $m)] | length == 1' \
		"$S/truth.json" >/dev/null || fail "mix seed $seed: mix $mix not a truth CoinJoin"
	jq -e '.parameters.coinjoin_rule == "model"' "$S/trace.json" >/dev/null ||
		fail "mix seed $seed: default CoinJoin rule is not model"
	t_seed=$(jq '.crime.totals.seeded' "$S/truth.json")
	[ "$(jq '.totals.seeded' "$S/trace.json")" = "$t_seed" ] || fail "mix seed $seed: seeded"
	ex=$(true_exits "$S" "$S/trace.json" "mix seed $seed") || { echo "$ex"; exit 1; }
	# every truth cash-out is reached: an exit or an unspent output of the trace
	jq -r '.crime.cashouts[] | "\(.txid):\(.vout)"' "$S/truth.json" | sort >"$S/want"
	jq -r '(.exits[], .unspent[]) | .outpoint' "$S/trace.json" | sort >"$S/got"
	[ "$(comm -23 "$S/want" "$S/got" | wc -l)" = 0 ] || fail "mix seed $seed: cash-outs not reached: $(comm -23 "$S/want" "$S/got" | head -2)"
	# every cash-out behind the mix says so (through_mix), in the trace
	# and in the summary table
	jq -r '.crime.cashouts[] | select(.mixed) | "\(.txid):\(.vout)"' "$S/truth.json" | sort >"$S/want"
	jq -r '(.exits[], .unspent[]) | select(.through_mix) | .outpoint' "$S/trace.json" | sort >"$S/got"
	[ "$(comm -23 "$S/want" "$S/got" | wc -l)" = 0 ] ||
		fail "mix seed $seed: a cash-out behind the mix lacks through_mix: $(comm -23 "$S/want" "$S/got" | head -1)"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 |
		grep -q 'behind a CoinJoin' || fail "mix seed $seed: the table does not say behind a CoinJoin"
	# before the mix FIFO is still exact
	jq -r '.crime.cashouts[] | select(.mixed | not) | "\(.txid):\(.vout) \(.value)"' \
		"$S/truth.json" | sort >"$S/want"
	jq -r '(.exits[], .unspent[]) | "\(.outpoint) \(.traced.fifo)"' "$S/trace.json" | sort >"$S/got"
	[ "$(comm -23 "$S/want" "$S/got" | wc -l)" = 0 ] || fail "mix seed $seed: FIFO before the mix"
	# per exit entity, default rule: truth <= poison everywhere, and an
	# entity the criminal never paid (truth 0) inside [lo, hi]; whether a
	# paid entity's truth lies inside [lo, hi] is printed (with the mix
	# ordered as WabiSabi orders it, it often lies just above TIHO)
	per_entity "$S" "$S/trace.json" >"$S/cmp"
	[ -s "$S/cmp" ] || fail "mix seed $seed: no exit entity"
	awk -v s="$seed" '{ printf "  mix seed %s %-10s truth %s, FIFO/LIFO/TIHO/haircut [%s, %s], poison %s\n", s, $1, $2, $3, $4, $5
		if ($2 > $5 || ($2 == 0 && $3 > 0)) bad = 1 } END { exit bad }' "$S/cmp" ||
		fail "mix seed $seed: truth above poison, or an unpaid entity's 0 outside the models' range"
	n_in=$(awk '$2 >= $3 && $2 <= $4' "$S/cmp" | wc -l)
	# the same under --coinjoin-rule haircut, printed only
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--coinjoin-rule haircut --json >"$S/hc.json" || fail "trace haircut $seed"
	per_entity "$S" "$S/hc.json" >"$S/cmp_hc"
	# --update re-runs a saved trace under its own CoinJoin rule
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--coinjoin-rule haircut --out "$S/saved" >/dev/null || fail "trace --out $seed"
	"$P" trace -q --network regtest --db "$S/db" --update "$S/saved/trace.json" \
		--out "$S/again" >/dev/null || fail "trace --update $seed"
	[ "$(jq -S . "$S/again/trace.json")" = "$(jq -S . "$S/hc.json")" ] ||
		fail "mix seed $seed: --update did not keep --coinjoin-rule haircut"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" \
		--coinjoin-rule pro-rata >/dev/null 2>"$S/err"
	[ $? = 2 ] && grep -q "coinjoin-rule" "$S/err" || fail "a bad --coinjoin-rule accepted"
	hc_in=$(awk '$2 >= $3 && $2 <= $4' "$S/cmp_hc" | wc -l)
	echo "mix seed $seed ($txs txs): $n_mixed of $(jq '.crime.cashouts | length' "$S/truth.json") cash-outs through CoinJoin $mix; all reached; unmixed ones exact in FIFO; exits all true deposits ($ex); truth inside the four models' range at $n_in of $(wc -l <"$S/cmp") exit entities (--coinjoin-rule haircut: $hc_in of $(wc -l <"$S/cmp_hc"))"
}

# Checks one trace ($2) of seed $1 against the truth; $3 names the path.
check() {
	seed=$1 T=$2 how=$3
	jq -r '(.exits[], .unspent[]) | "\(.outpoint) \(.traced.fifo)"' "$T" | sort >"$S/got"
	missing=$(comm -23 "$S/want" "$S/got" | wc -l)
	[ "$missing" = 0 ] || fail "$sc seed $seed ($how): FIFO misses $missing truth outputs: $(comm -23 "$S/want" "$S/got" | head -3)"
	t_out=$(jq '.crime.totals.cashed_out' "$S/truth.json")
	t_fee=$(jq '.crime.totals.fees' "$S/truth.json")
	t_seed=$(jq '.crime.totals.seeded' "$S/truth.json")
	g_seed=$(jq '.totals.seeded' "$T")
	g_fee=$(jq '.totals.fees.fifo' "$T")
	g_exit=$(jq '.totals.at_exits.fifo' "$T")
	[ "$t_seed" = "$g_seed" ] || fail "$sc seed $seed ($how): seeded $g_seed, truth $t_seed"
	[ "$t_fee" = "$g_fee" ] || fail "$sc seed $seed ($how): fees $g_fee, truth $t_fee"
	# every exit names the exchange the truth says the cash-out went to
	jq -r '.crime.cashouts[] | "\(.txid):\(.vout) \(.exchange)"' "$S/truth.json" |
		tr 'A-Z' 'a-z' | sort >"$S/want_ent"
	jq -r '.exits[] | "\(.outpoint) \(.entity)"' "$T" | tr 'A-Z' 'a-z' | sort >"$S/got_ent"
	wrong=$(comm -13 "$S/want_ent" "$S/got_ent" | wc -l)
	[ "$wrong" = 0 ] || fail "$sc seed $seed ($how): $wrong exits name another entity: $(comm -13 "$S/want_ent" "$S/got_ent" | head -3)"
	ex=$(true_exits "$S" "$T" "$sc seed $seed ($how)") || { echo "$ex"; exit 1; }
	# no CoinJoin on the criminal's path: no exit claims one
	jq -e '[.exits[] | select(.through_mix != false)] | length == 0' "$T" >/dev/null ||
		fail "$sc seed $seed ($how): an exit marked through_mix without a mix on the path"
	n_cash=$(jq '.crime.cashouts | length' "$S/truth.json")
	n_exit=$(jq '.exits | length' "$T")
	n_inf=$(jq '[.exits[] | select(.basis == "inferred")] | length' "$T")
	n_cl=$(jq '[.exits[] | select(.evidence | startswith("cluster label: "))] | length' "$T")
	n_tag=$(jq '[.exits[] | select(.evidence | startswith("tag: "))] | length' "$T")
	echo "$sc seed $seed ($txs txs, $how): $n_cash cash-outs, $n_exit exits ($n_tag tag on address, $n_cl cluster label, $n_inf inferred from sweeps; all true deposits: $ex), FIFO at exits $g_exit sat (truth cashed out $t_out, swept or tagged part matched to the satoshi), fees $g_fee = truth"
}

one() { # scenario seed txs
	sc=$1 seed=$2 txs=$3 S="$D/$1$2"
	prepare "$seed" "$txs" "$S" --scenario "$sc"
	# truth: every cash-out and every unspent remainder, "outpoint value"
	jq -r '.crime | (.cashouts[], .unspent[]) | "\(.txid):\(.vout) \(.value)"' \
		"$S/truth.json" | sort >"$S/want"
	jq -e '[.exits[] | select(.evidence | startswith("cluster label"))] | length == 0' \
		"$S/trace.json" >/dev/null || fail "$sc seed $seed: a cluster label without a clustering"
	check "$seed" "$S/trace.json" "tags only"
	# the same trace once clusters exist: entities come from cluster labels
	"$P" cluster build -q --network regtest --db "$S/db" >/dev/null || fail "cluster build $seed"
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/trace2.json" || fail "trace with clusters $seed"
	check "$seed" "$S/trace2.json" "clusters"
	[ "$n_cl" -gt 0 ] || fail "$sc seed $seed: no exit recognised by a cluster label"
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

for r in ${TRACE_SIM_RUNS:-ransomware:7 ransomware:11 exchange-hack:7 scam:11}; do
	one "${r%:*}" "${r#*:}" "${TRACE_SIM_TXS:-4000}"
done
for s in ${TRACE_SIM_MIX_SEEDS:-7 4}; do mixed "$s" "${TRACE_SIM_TXS:-4000}"; done
echo "e2e_trace_sim: ok"
