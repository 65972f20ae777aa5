#!/bin/sh
# Precision of proceeds trace's exits on simulated crimes (issue 9): for
# each scenario and seed, is every exit address (tagged, or inferred from
# a sweep) a true deposit address of the exit's entity in truth.json?
# Prints per run and in total: exits by basis and how many are true.
# TRACE_EXITS_RUNS ("scenario:seed[:simulate option]" ...) and
# TRACE_EXITS_TXS (4000) set the runs.
set -eu
P="$PROCEEDS"
TXS="${TRACE_EXITS_TXS:-4000}"
RUNS="${TRACE_EXITS_RUNS:-}"
if [ -z "$RUNS" ]; then
	for s in 1 2 3 4 5 6; do
		RUNS="$RUNS ransomware:$s exchange-hack:$s scam:$s"
	done
	for s in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		RUNS="$RUNS ransomware:$s:--crime-coinjoin"
	done
fi
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

for r in $RUNS; do
	sc=${r%%:*} rest=${r#*:} seed=${rest%%:*} opt=""
	[ "$rest" = "$seed" ] || opt=${rest#*:}
	S="$D/$sc$seed$opt"
	# shellcheck disable=SC2086
	"$P" simulate -q --out "$S" --seed "$seed" --txs "$TXS" --scenario "$sc" $opt >/dev/null 2>&1
	"$P" index -q --network regtest --db "$S/db" --blocks "$S/blocks"
	"$P" tags import -q --network regtest --db "$S/db" "$S/tags.csv" >/dev/null
	"$P" trace -q --network regtest --db "$S/db" --case "$S/case.json" --min-sats 0 \
		--json >"$S/trace.json"
	jq -r '.entities as $e | .addresses[] | "\(.[0]) \($e[.[1]].name) \(.[2])"' \
		"$S/truth.json" | sort >"$S/roles"
	jq -r '.exits[] | "\(.address) \(.entity | ascii_downcase) \(.basis)"' "$S/trace.json" |
		sort | join -a1 -e none -o 0,1.2,1.3,2.2,2.3 - "$S/roles" |
		awk -v run="$sc:$seed${opt:+ $opt}" '{ n[$3]++; if ($2 == $4 && $5 == "deposit") ok[$3]++
			else printf "  %s: %s exit %s of %s is %s of %s\n", run, $3, $1, $2, $5, $4 }
		END { printf "%s: tagged %d of %d true, inferred %d of %d true\n", run,
			ok["tagged"], n["tagged"], ok["inferred"], n["inferred"] }'
done | tee "$D/out"
grep -v '^  ' "$D/out" |
	sed -E 's/.*tagged ([0-9]+) of ([0-9]+) true, inferred ([0-9]+) of ([0-9]+) true/\1 \2 \3 \4/' |
	awk '{ t += $1; tn += $2; i += $3; in_ += $4 }
	END { printf "total: tagged %d of %d true, inferred %d of %d true (precision %.1f%%)\n",
		t, tn, i, in_, in_ ? 100 * i / in_ : 100 }'
