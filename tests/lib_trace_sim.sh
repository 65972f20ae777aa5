# per_entity, shared by tests/e2e_trace_sim.sh and bench/bench_trace_mix.sh
# (sourced; needs jq). Not a test itself: the Makefile runs e2e_*.sh only.

# Per exit entity: "entity truth lo hi poison" where truth sums the truth's
# cash-outs that are exits of the trace, [lo, hi] the range of FIFO, LIFO,
# TIHO and haircut summed over the entity's exits.
per_entity() { # dir trace.json
	S=$1 T=$2
	jq -r '.crime.cashouts[] | "\(.txid):\(.vout) \(.exchange) \(.value)"' "$S/truth.json" |
		sort >"$S/cash"
	jq -r '.exits[].outpoint' "$T" | sort | join - "$S/cash" |
		awk '{t[$2] += $3} END {for (x in t) printf "%s %.0f\n", x, t[x]}' | sort >"$S/truth_x"
	jq -r '[.exits[] | {e: (.entity | ascii_downcase), t: .traced}] | group_by(.e)[] |
		"\(.[0].e) \([.[].t.fifo] | add) \([.[].t.lifo] | add) \([.[].t.tiho] | add) \([.[].t.haircut] | add) \([.[].t.poison] | add)"' \
		"$T" | sort >"$S/models_x"
	join -a2 -e 0 -o 0,1.2,2.2,2.3,2.4,2.5,2.6 "$S/truth_x" "$S/models_x" | awk '{
		lo = $3; hi = $3
		for (i = 4; i <= 6; i++) { if ($i < lo) lo = $i; if ($i > hi) hi = $i }
		printf "%s %.0f %.0f %.0f %.0f\n", $1, $2, lo, hi, $7 }'
}
