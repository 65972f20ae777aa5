#!/bin/sh
# Beyond a CoinJoin, measured on simulated crimes (`proceeds simulate
# --crime-demix`: --crime-coinjoin, and after the mix the criminal
# consolidates postmix coins, spends some with coins it kept out of the
# mix and deposits into static deposit addresses, while some other
# participants co-spend their own postmix coins or reuse a deposit
# address; docs/simulate.md, "Linking after the mix"):
#
# 1. The bound: for every exit entity, exit and unspent output the trace
#    reached through a mix, is the truth inside [bound_min, bound_max]
#    (the least any model gives, poison)? The truth of an exit or unspent
#    output is the criminal's cash-out or remainder there (truth.json),
#    0 where the criminal paid nothing.
# 2. Demixing: every post_mix_links entry, per heuristic (co-spend,
#    with-criminal-coins, same-deposit): how many, how many whose linked
#    postmix outputs truly have one owner (truth.json addresses), how
#    many whose linked outputs are all the criminal's (the crime's
#    "coinjoin" hop lists them: the precision), and the criminal's
#    postmix value those recover (recall by value), beside what the
#    truth says happened one hop after the criminal's mix (the
#    criminal's consolidations, spends with kept coins, static addresses
#    paid twice or more straight from the mix; the others' co-spends and
#    reused static addresses) and the most a one-hop heuristic could
#    recover (the criminal's postmix outputs those spend).
# Both before and after `proceeds cluster build` (the trace then takes
# the build's recorded verdicts). DEMIX_SEEDS (default 1..20),
# DEMIX_TXS (4000) and DEMIX_SIM (--crime-demix; --crime-coinjoin for the
# simulator without the linking behaviours) set the runs; the precision
# lines give the figures tracer/trace_demix.c's table holds.
set -eu
P="$PROCEEDS"
SEEDS="${DEMIX_SEEDS:-1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20}"
TXS="${DEMIX_TXS:-4000}"
SIM="${DEMIX_SIM:---crime-demix}"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

# "outpoint value" of the truth's crime outputs: cash-outs, remainders.
truth_rows() { # dir
	jq -r '.crime | (.cashouts[], .unspent[]) | "\(.txid):\(.vout) \(.value)"' "$1/truth.json" | sort
}

# Per row reached through a mix: "what inside|below|above".
bounds() { # dir trace.json
	S=$1 T=$2
	truth_rows "$S" >"$S/truth_rows"
	jq -r '(.exits[], .unspent[]) | select(.through_mix) |
		"\(.outpoint) \(.bound_min) \(.bound_max)"' "$T" | sort |
		join -a1 -e 0 -o 0,1.2,1.3,2.2 - "$S/truth_rows" |
		awk '{ print "row", ($4 < $2 ? "below" : ($4 > $3 ? "above" : "inside")), ($4 > 0 ? "paid" : "unpaid") }'
	jq -r '.crime.cashouts[] | "\(.txid):\(.vout) \(.exchange)"' "$S/truth.json" | sort >"$S/cash_ent"
	jq -r '.crime.cashouts[] | "\(.txid):\(.vout) \(.value)"' "$S/truth.json" | sort >"$S/cash_val"
	jq -r '.exits[].outpoint' "$T" | sort | join - "$S/cash_val" | join - "$S/cash_ent" |
		awk '{ t[$3] += $2 } END { for (e in t) printf "%s %.0f\n", e, t[e] }' | sort >"$S/ent_truth"
	jq -r '.entities[] | select(.through_mix) |
		"\(.entity | ascii_downcase) \(.bound_min) \(.bound_max)"' "$T" | sort |
		join -a1 -e 0 -o 0,1.2,1.3,2.2 - "$S/ent_truth" |
		awk '{ print "entity", ($4 < $2 ? "below" : ($4 > $3 ? "above" : "inside")), ($4 > 0 ? "paid" : "unpaid") }'
}

# Per link: "link heuristic same_owner(0|1) criminal(0|1) crim_value"
# plus, per seed, "postmix total".
links() { # dir trace.json
	S=$1 T=$2
	jq -r '.entities as $e | .addresses[] | "\(.[0]) \(.[1])"' "$S/truth.json" | sort >"$S/owner"
	jq -r '.crime.hops[] | select(.kind == "coinjoin") | .outputs[] | "\(.txid):\(.vout) \(.value)"' \
		"$S/truth.json" | sort >"$S/crim_pm"
	awk '{ s += $2 } END { printf "postmix %.0f\n", s }' "$S/crim_pm"
	: >"$S/pm_addr"
	for m in $(jq -r '[.post_mix_links[].mix_txid] | unique[]' "$T"); do
		"$P" tx --network regtest --db "$S/db" --json "$m" |
			jq -r '.txid as $t | .outputs[] | "\($t):\(.n) \(.address)"' >>"$S/pm_addr"
	done
	sort -k2,2 "$S/pm_addr" | join -1 2 -2 1 - "$S/owner" | awk '{print $2, $3}' |
		sort >"$S/pm_owner"
	jq -r '.post_mix_links | to_entries[] | .key as $k | .value.heuristic as $h |
		.value.outpoints[] | "\(.) \($k) \($h)"' "$T" | sort |
		join -a1 -e none -o 0,1.2,1.3,2.2 - "$S/pm_owner" |
		join -a1 -e 0 -o 0,1.2,1.3,1.4,2.2 - "$S/crim_pm" |
		awk -v cl="$S/clink" '{ h[$2] = $3; n[$2]++; if (!($2 in o)) o[$2] = $4; else if (o[$2] != $4) mixed[$2] = 1
			if ($5 > 0) { c[$2]++; v[$2] += $5 }; op[$2] = op[$2] " " $1 ":" $5 }
		END { for (k in h) { printf "link %s %d %d %.0f\n", h[k], !(k in mixed) && o[k] != "none",
			c[k] == n[k], (c[k] == n[k] ? v[k] : 0)
			if (c[k] == n[k]) { m = split(op[k], a, " "); for (i = 1; i <= m; i++) print a[i] >cl } } }'
	# the criminal's postmix outputs any criminal link names, once each
	[ -f "$S/clink" ] || : >"$S/clink"
	sort -u "$S/clink" | awk -F: '{ s += $3 } END { printf "union %.0f\n", s }'
	rm -f "$S/clink"
}

# What the truth says happened one hop after the criminal's mix, and the
# criminal's postmix value a one-hop heuristic could recover at most.
opportunities() { # dir
	jq -r '(.crime.demix // {}) as $d | ($d.mix_txid // "") as $m |
		[($d.static_deposits // [])[] | select([.payments[] | select(.postmix | length > 0)] |
			length >= 2)] as $st |
		"ops consolidations \(($d.consolidations // []) | length)",
		"ops with_unmixed \(($d.with_unmixed // []) | length)",
		"ops static_reused \($st | length)",
		"ops habit_co_spend \([(.postmix_habits // [])[] | select(.habit == "co-spend" and
			.mix_txid == $m)] | length)",
		"ops habit_static_reused \([(.postmix_habits // [])[] | select(.habit == "static-deposit"
			and .mix_txid == $m)] | group_by(.address) | map(select(length >= 2)) | length)",
		"ops ceiling \([($d.consolidations // [])[].postmix[], ($d.with_unmixed // [])[].postmix[],
			($st[].payments[].postmix[])] | unique_by([.txid, .vout]) | map(.value) | add // 0)"' \
		"$1/truth.json"
}

# What the simulator did with the postmix outputs of the mixes the trace
# crossed: "spends outputs spent spends multi_input co_spent".
postmix() { # dir trace.json
	S=$1 T=$2
	for m in $(jq -r '[.hops[] | select(.coinjoin.verdict == "mix") | .txid] | unique[]' "$T"); do
		"$P" tx --network regtest --db "$S/db" --json "$m" >"$S/m.json"
		n=$(jq '.outputs | length' "$S/m.json")
		jq -r '.outputs[] | .spent_by.txid // empty' "$S/m.json" | sort >"$S/sp"
		multi=0
		for t in $(sort -u "$S/sp"); do
			k=$("$P" tx --network regtest --db "$S/db" --json "$t" | jq '.inputs | length')
			[ "$k" -gt 1 ] && multi=$((multi + 1))
		done
		echo "spends $n $(wc -l <"$S/sp") $(sort -u "$S/sp" | wc -l) $multi $(uniq -d "$S/sp" | wc -l)"
	done
}

for s in $SEEDS; do
	S="$D/s$s"
	"$P" simulate -q --out "$S" --seed "$s" --txs "$TXS" $SIM >/dev/null 2>&1
	opportunities "$S" >>"$D/ops"
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/keys.json"
	"$P" cluster build -q --network regtest --db "$S/db" >/dev/null
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/cluster.json"
	for how in keys cluster; do
		bounds "$S" "$S/$how.json" | sed "s/^/$how /" >>"$D/bounds"
		links "$S" "$S/$how.json" | sed "s/^/$how /" >>"$D/links"
		postmix "$S" "$S/$how.json" | sed "s/^/$how /" >>"$D/links"
		jq -r --arg h "$how" '[.hops[] | select(.coinjoin != null) | (.coinjoin.verdict + ", " +
			.coinjoin.judged_by | gsub(" "; "_")) + " " + .txid] | unique[] | "\($h) mix \(.)"' \
			"$S/$how.json" >>"$D/mixes"
	done
done

echo "seeds: $SEEDS ($TXS txs each, $SIM, trace --min-sats 0)"
awk '{ n[$2] += $3 } END { printf "truth, one hop after the criminal'"'"'s mix: criminal consolidations %d, spends with kept coins %d, static addresses paid twice or more from the mix %d; other participants'"'"' co-spends %d, their static addresses paid twice or more %d\n",
	n["consolidations"], n["with_unmixed"], n["static_reused"], n["habit_co_spend"], n["habit_static_reused"] }' "$D/ops"
for how in keys cluster; do
	echo "verdicts from $how:"
	awk -v h="$how" '$1 == h { n[$3]++ } END { for (k in n) printf "  %s: %d transactions\n", k, n[k] }' "$D/mixes" |
		tr _ ' ' | sort
	for what in entity row; do
		awk -v h="$how" -v w="$what" '$1 == h && $2 == w { n++; k[$3]++; m[$4]++; if ($3 == "below") b[$4]++ }
			END { printf "  %-6s through a mix: truth inside [bound_min, bound_max] at %d of %d (below %d: %d of %d the criminal paid, %d of %d it did not; above %d)\n",
				w, k["inside"], n, k["below"], b["paid"], m["paid"], b["unpaid"], m["unpaid"], k["above"] }' "$D/bounds"
	done
	awk -v h="$how" '$1 == h && $2 == "spends" { n++; o += $3; sp += $4; t += $5; mi += $6; co += $7 }
		END { printf "  mixes crossed: %d, %d postmix outputs, %d spent (in %d txs, %d of them with other inputs, %d spending two outputs of one mix)\n", n, o, sp, t, mi, co }' "$D/links"
	awk -v h="$how" '$1 == h && $2 == "postmix" { pm += $3 }
		$1 == h && $2 == "union" { u += $3 }
		FILENAME ~ /ops$/ && $2 == "ceiling" { ceil += $3 }
		$1 == h && $2 == "link" { n[$3]++; so[$3] += $4; cr[$3] += $5; v[$3] += $6 }
		END { split("co-spend with-criminal-coins same-deposit", H, " ")
			for (i = 1; i <= 3; i++) { x = H[i]
				printf "  %-20s links %d, one owner %d, the criminal'"'"'s %d (precision %s), criminal postmix value recovered %.0f of %.0f sat (%.2f%%)\n",
					x, n[x], so[x], cr[x], n[x] ? sprintf("%.1f%%", 100 * cr[x] / n[x]) : "-",
					v[x], pm, pm ? 100 * v[x] / pm : 0 }
			printf "  %-20s criminal postmix value recovered %.0f sat (%.2f%%); at most %.0f (%.2f%%) spent one hop on by the truth'"'"'s behaviours\n",
				"any heuristic", u, pm ? 100 * u / pm : 0, ceil, pm ? 100 * ceil / pm : 0 }' "$D/links" "$D/ops"
done
