#!/bin/sh
# How the taint models cross a CoinJoin, measured on simulated crimes
# (`proceeds simulate --crime-coinjoin`, issue 9): does the truth lie
# inside [min, max] of FIFO, LIFO, TIHO and haircut?
#
# 1. Per exit entity, for every run, under both --coinjoin-rule values:
#    the truth (the criminal's cash-outs the trace sees as exits) against
#    the four models summed over the entity's exits (as
#    tests/e2e_trace_sim.sh asserts for the default rule).
# 2. Per mix, and per input/output ORDER of the mix: the simulator writes
#    a round in registration order (the criminal's coin is vin 0, its
#    outputs vout 0..k-1), which favours FIFO. Real coordinators do not:
#    WabiSabi sorts inputs and outputs by value, descending (Wasabi PR
#    #6399), Wasabi 1 and Whirlpool shuffle. So the criminal's round is
#    re-laid (a) as on chain, (b) sorted as WabiSabi sorts it (ties by
#    prevout / by address in place of the script) and (c) shuffled (10
#    random orders), and the four models are computed on it for the one
#    tainted input (the criminal's coin, proceeds through and through):
#    is the criminal's postmix (truth: all its outputs) inside the
#    range, and is each other participant's truth (0) inside its range?
#    Case (a) is checked against the engine's own figures on chain
#    (FIFO/LIFO/TIHO to the satoshi) before anything is printed.
# TRACE_MIX_SEEDS (default 1..20) and TRACE_MIX_TXS (4000) set the runs.
set -eu
P="$PROCEEDS"
SEEDS="${TRACE_MIX_SEEDS:-1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20}"
TXS="${TRACE_MIX_TXS:-4000}"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

. "$(dirname "$0")/../tests/lib_trace_sim.sh"

# Per exit entity: "inside|below|above" of the truth against [min, max].
entities() { # dir trace.json
	per_entity "$1" "$2" | awk '{
		print ($2 < $3 ? "below" : ($2 > $4 ? "above" : "inside")), ($2 > 0 ? "crim" : "zero") }'
}

# The criminal's mix as rows "in|out value owner key [vout]" in chain order.
mix_rows() { # dir
	S=$1
	mix=$(jq -r '.crime.hops[] | select(.kind == "coinjoin") | .txid' "$S/truth.json")
	jq -r '.entities as $e | .addresses[] | "\(.[0]) \(.[1])"' "$S/truth.json" | sort >"$S/owner"
	"$P" tx --network regtest --db "$S/db" --json "$mix" >"$S/mix.json"
	jq -r '.inputs[] | "\(.address) in \(.value) \(.txid):\(.vout)"' "$S/mix.json" |
		awk '{print NR, $0}' | sort -k2,2 | join -1 2 -2 1 - "$S/owner" |
		sort -k2,2n | awk '{print $3, $4, $6, $5}'
	jq -r '.outputs[] | "\(.address) out \(.value) \(.n)"' "$S/mix.json" |
		awk '{print NR, $0}' | sort -k2,2 | join -1 2 -2 1 - "$S/owner" |
		sort -k2,2n | awk '{print $3, $4, $6, $1, $5}'
}

for s in $SEEDS; do
	S="$D/mix$s"
	"$P" simulate -q --out "$S" --seed "$s" --txs "$TXS" --crime-coinjoin >/dev/null 2>&1
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null
	for rule in model haircut; do
		"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
			--coinjoin-rule "$rule" --json >"$S/$rule.json"
		entities "$S" "$S/$rule.json" | sed "s/^/entity $rule /" >>"$D/entities"
	done
	crim=$(jq '.crime.criminal_entity' "$S/truth.json")
	mix_rows "$S" >"$S/rows"
	# the engine's FIFO/LIFO/TIHO on the mix outputs (default rule), "vout f l t"
	jq -r --arg m "$(jq -r '.txid' "$S/mix.json")" '.hops[] | select(.txid == $m) |
		"\(.vout) \(.traced.fifo) \(.traced.lifo) \(.traced.tiho)"' "$S/model.json" >"$S/engine"
	awk -v crim="$crim" -v seed="$s" -v engine="$S/engine" -f - "$S/rows" >>"$D/mixes" <<'AWK'
$1 == "in"  { ni++; iv[ni] = $2; io[ni] = $3; ik[ni] = $4; if ($3 == crim) { nc++; ci = ni } }
$1 == "out" { no++; ov[no] = $2; oo[no] = $3; ok[no] = $4; ovout[no] = $5 }
function sortby(ord, n, val, key,   i, j, t) {  # value desc, then key asc
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && (val[ord[j]] > val[ord[j-1]] ||
		     (val[ord[j]] == val[ord[j-1]] && key[ord[j]] < key[ord[j-1]])); j--) {
			t = ord[j]; ord[j] = ord[j-1]; ord[j-1] = t }
}
function shuffle(ord, n,   i, j, t) {
	for (i = n; i > 1; i--) { j = 1 + int(rand() * i); t = ord[i]; ord[i] = ord[j]; ord[j] = t }
}
function gap(x, lo, hi) { return x > hi ? 1000 * (x - hi) / x : (x < lo ? 1000 * (lo - x) / x : 0) }
function ov_lap(a, b, c, d,   lo, hi) { lo = a > c ? a : c; hi = b < d ? b : d; return hi > lo ? hi - lo : 0 }
# The four models for one order: f[o], l[o], t[o], h[o] per output index.
function models(iord, oord,   i, P, L, V, Q, o, k, T, rank, left) {
	T = iv[ci]; P = 0; L = 0; V = 0
	for (i = 1; i <= ni; i++) V += iv[iord[i]]
	for (i = 1; i <= ni && iord[i] != ci; i++) P += iv[iord[i]]
	L = V - P - T                      # LIFO: the inputs after it come first
	Q = 0
	for (i = 1; i <= no; i++) {
		o = oord[i]
		f[o] = ov_lap(P, P + T, Q, Q + ov[o]); l[o] = ov_lap(L, L + T, Q, Q + ov[o])
		h[o] = int(T * ov[o] / V); Q += ov[o]; rank[i] = o
	}
	for (i = 1; i <= no; i++) pos[oord[i]] = i
	sortby_pos(rank, no)
	left = T
	for (i = 1; i <= no; i++) { o = rank[i]; t[o] = left < ov[o] ? left : ov[o]; left -= t[o] }
}
function sortby_pos(r, n,   i, j, x) {  # TIHO: value desc, ties by position
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && (ov[r[j]] > ov[r[j-1]] ||
		     (ov[r[j]] == ov[r[j-1]] && pos[r[j]] < pos[r[j-1]])); j--) {
			x = r[j]; r[j] = r[j-1]; r[j-1] = x }
}
# Prints "mix ORDER RULE crim inside|outside" and "mix ORDER RULE other ..."
function judge(order,   o, w, F, Lm, Tm, H, lo, hi, e, n) {
	split("", F); split("", Lm); split("", Tm); split("", H); split("", tr)
	for (o = 1; o <= no; o++) {
		w = oo[o]; F[w] += f[o]; Lm[w] += l[o]; Tm[w] += t[o]; H[w] += h[o]
		tr[w] += (w == crim ? ov[o] : 0)
	}
	for (w in F) {
		lo = F[w]; hi = F[w]
		if (Lm[w] < lo) lo = Lm[w]; if (Lm[w] > hi) hi = Lm[w]
		if (Tm[w] < lo) lo = Tm[w]; if (Tm[w] > hi) hi = Tm[w]
		if (H[w] < lo) lo = H[w]; if (H[w] > hi) hi = H[w]
		who = (w == crim ? "crim" : "other")
		# the last field: how far the truth lies outside, in per mille of it
		print "mix", order, "model", who, (tr[w] >= lo && tr[w] <= hi ? "inside" : "outside"),
			(w == crim ? gap(tr[w], lo, hi) : 0)
		print "mix", order, "haircut", who, (tr[w] == H[w] ? "inside" : "outside"),
			(w == crim ? gap(tr[w], H[w], H[w]) : 0)
	}
}
END {
	if (nc != 1) { print "bench_trace_mix: seed " seed ": the criminal has " nc " inputs in its mix" > "/dev/stderr"; exit 1 }
	for (i = 1; i <= ni; i++) iord[i] = i
	for (i = 1; i <= no; i++) oord[i] = i
	models(iord, oord)
	while ((getline line < engine) > 0) {
		split(line, x, " ")
		for (o = 1; o <= no; o++) if (ovout[o] == x[1] &&
		    (f[o] != x[2] || l[o] != x[3] || t[o] != x[4])) {
			print "bench_trace_mix: seed " seed ": vout " x[1] " differs from the engine" > "/dev/stderr"; exit 1 }
		checked++
	}
	if (!checked) { print "bench_trace_mix: seed " seed ": no engine figures" > "/dev/stderr"; exit 1 }
	judge("chain")
	sortby(iord, ni, iv, ik); sortby(oord, no, ov, ok)
	models(iord, oord); judge("wabisabi-sorted")
	srand(seed)
	for (r = 1; r <= 10; r++) { shuffle(iord, ni); shuffle(oord, no); models(iord, oord); judge("shuffled") }
}
AWK
done

echo "seeds: $SEEDS ($TXS txs each, --crime-coinjoin)"
for rule in model haircut; do
	awk -v r="$rule" '$2 == r {n[$4]++; if ($3 == "inside") k[$4]++}
		END {printf "per exit entity, --coinjoin-rule %s: truth inside [min,max] at %d of %d entities (%d of %d with a cash-out, %d of %d without)\n",
			r, k["crim"] + k["zero"], n["crim"] + n["zero"], k["crim"], n["crim"], k["zero"], n["zero"]}' "$D/entities"
done
for order in chain wabisabi-sorted shuffled; do
	for rule in model haircut; do
		awk -v o="$order" -v r="$rule" '$2 == o && $3 == r {n[$4]++; if ($5 == "inside") k[$4]++
				if ($4 == "crim" && $6 > worst) worst = $6; if ($4 == "crim") sum += $6}
			END {printf "mix laid %-15s --coinjoin-rule %-7s: criminal postmix inside %d of %d (outside by %.2f per mille on average, %.2f at worst); other participants (truth 0) inside %d of %d\n",
				o, r, k["crim"], n["crim"], sum / n["crim"], worst, k["other"], n["other"]}' "$D/mixes"
	done
done
