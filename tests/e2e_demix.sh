#!/bin/sh
# Beyond a CoinJoin, end to end on a small `proceeds simulate
# --crime-coinjoin` run (docs/taint-models.md, "Beyond a mix"):
# - every exit, entity and unspent output reached through a mix carries
#   bound_min (the least of the models run) and bound_max (poison, the
#   whole value); rows off a mix carry null;
# - per exit entity bound_min <= the truth <= bound_max. The upper end
#   (poison) always holds; the lower end is a presumption that held on this
#   run but not everywhere (4 of 80 entities on seeds 1-20:
#   docs/taint-models.md, "Beyond a mix"), like e2e_trace_sim's unpaid
#   entities inside the models' range;
# - hops of a mix carry its verdict (description, judged_by keys only,
#   then "cluster build" once the clustering exists);
# - post_mix_links is well formed (a crossed mix, its own outpoints, a
#   known heuristic, a precision);
# - the package: exits.csv's bound columns equal the trace's, report.html
#   has the plain-words paragraph, verify passes; the same package
#   re-labelled 0.2.0 and re-signed still verifies (views skipped).
# DEMIX_E2E_SEED (7) and DEMIX_E2E_TXS (4000) set the run.
set -u
P="$PROCEEDS"
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq not found (make deps)"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib_e2e.sh"
S=$T/sim
N="--network regtest"
seed=${DEMIX_E2E_SEED:-7}

"$P" simulate -q --out "$S" --seed "$seed" --txs "${DEMIX_E2E_TXS:-4000}" --crime-coinjoin \
	>/dev/null 2>&1 || { echo "FAIL: simulate"; exit 1; }
"$P" index -q $N --db "$S/db" --blocks "$S/blocks" || { echo "FAIL: index"; exit 1; }
"$P" tags import -q $N --db "$S/db" "$S/tags.csv" >/dev/null || { echo "FAIL: tags"; exit 1; }
"$P" trace -q $N --db "$S/db" --case "$S/case.json" --min-sats 0 --json >"$T/t.json" ||
	{ echo "FAIL: trace"; exit 1; }

# bound_min = least of the models run, bound_max = poison = value; null off a mix
bad=$(jq -r '(.exits[], .unspent[]) | select(
	if .through_mix then .bound_min != ([.traced[]] | min) or .bound_max != .traced.poison or
		.bound_max != .value
	else .bound_min != null or .bound_max != null end) | .outpoint' "$T/t.json")
[ -z "$bad" ] || fail "bounds of rows: $bad"
jq -e '[.exits[], .unspent[], .entities[] | select(.through_mix)] | length > 0' "$T/t.json" \
	>/dev/null || fail "seed $seed: nothing reached through a mix"

# per exit entity: truth <= bound_max; bound_min <= truth where the criminal paid
jq -r '.crime.cashouts[] | "\(.txid):\(.vout) \(.exchange) \(.value)"' "$S/truth.json" | sort >"$T/cash"
jq -r '.exits[].outpoint' "$T/t.json" | sort | join - "$T/cash" |
	awk '{ t[$2] += $3 } END { for (e in t) printf "%s %.0f\n", e, t[e] }' | sort >"$T/truth"
jq -r '.entities[] | select(.through_mix) | "\(.entity | ascii_downcase) \(.bound_min) \(.bound_max)"' \
	"$T/t.json" | sort | join -a1 -e 0 -o 0,1.2,1.3,2.2 - "$T/truth" >"$T/cmp"
while read -r ent lo hi truth; do
	echo "  seed $seed $ent: truth $truth, bound [$lo, $hi]"
	[ "$truth" -le "$hi" ] || fail "$ent: truth $truth above bound_max (poison) $hi"
	[ "$lo" -le "$truth" ] || fail "$ent: truth $truth below bound_min $lo (every model " \
		"presumes more there: the known limit of the lower end, docs/taint-models.md)"
done <"$T/cmp"
[ -s "$T/cmp" ] || fail "seed $seed: no exit entity through a mix"

# the verdict on every mix hop, by keys; then by the clustering
# (a possible mix, PayJoin-like, is listed and followed as a payment)
jq -e '[.hops[] | select(.coinjoin != null)] | any(.coinjoin.verdict == "mix") and
	all((.coinjoin.description | test("confidence [0-9]+%")) and .coinjoin.judged_by == "keys only"
	and (if .coinjoin.verdict == "mix" then .basis == "coinjoin"
	     else .coinjoin.verdict == "possible mix" and .basis == "fact" end))' "$T/t.json" \
	>/dev/null || fail "hops' coinjoin verdicts (keys)"
# every link: a crossed mix, its own outpoints, a heuristic and its precision
jq -e '[.hops[] | select(.coinjoin.verdict == "mix") | .txid] as $m | .post_mix_links |
	all(.mix_txid as $t | ($m | index([$t])) != null and (.outpoints | length > 0 and
	all(startswith($t))) and (.heuristic | IN("co-spend", "with-criminal-coins", "same-deposit"))
	and (.precision.links | type == "number") and (.txid | length == 64))' "$T/t.json" >/dev/null ||
	fail "post_mix_links malformed"
links=$(jq '.post_mix_links | length' "$T/t.json")
"$P" cluster build -q $N --db "$S/db" >/dev/null || fail "cluster build"
"$P" trace -q $N --db "$S/db" --case "$S/case.json" --min-sats 0 --json >"$T/c.json" || fail "trace (clusters)"
jq -e '[.hops[] | select(.coinjoin != null)] | length > 0 and
	all(.coinjoin.judged_by == "cluster build")' "$T/c.json" >/dev/null ||
	fail "hops' coinjoin verdicts after cluster build"
[ "$(jq -c '[.hops[] | select(.basis == "coinjoin") | .txid] | unique' "$T/t.json")" = \
  "$(jq -c '[.hops[] | select(.basis == "coinjoin") | .txid] | unique' "$T/c.json")" ] ||
	fail "the clustering and the keys cross other mixes on this run"

# the package: CSV columns, the paragraph, verify; then as an older version
"$P" key new --out "$T/key" -q >/dev/null 2>&1
SOURCE_DATE_EPOCH=1700100000 "$P" report "$T/t.json" --out "$T/pkg" --key "$T/key" -q \
	>/dev/null || fail "report"
jq -r '.exits[] | "\(.outpoint),\(.bound_min // ""),\(.bound_max // ""),\(.post_mix_linked)"' \
	"$T/t.json" | sort >"$T/want"
# (the last three columns; the outpoint is the sixth, before any quoted cell)
tr -d '\r' <"$T/pkg/exits.csv" | head -1 | grep -q ',through_mix,bound_min_sats,bound_max_sats,post_mix_linked$' ||
	fail "exits.csv header"
tr -d '\r' <"$T/pkg/exits.csv" | awk -F, 'NR > 1 { print $6 "," $(NF-2) "," $(NF-1) "," $NF }' |
	sort >"$T/got"
cmp -s "$T/want" "$T/got" || fail "exits.csv bound columns differ from the trace"
grep -q "A CoinJoin (mix) hides which of its outputs are the criminal's. Beyond a mix, proceeds states only a range" \
	"$T/pkg/report.html" || fail "report.html lacks the plain-words paragraph"
grep -q "Amounts beyond a mix are inference, not fact." "$T/pkg/report.html" || fail "report.html: inference"
grep -q '<h3>Linked after the mix</h3>' "$T/pkg/report.html" || fail "report.html lacks the links section"
expect 0 "$P" verify "$T/pkg"
lacks "made by another version"
cp -a "$T/pkg" "$T/old"
jq -c '.tool.version = "0.2.0"' "$T/old/report.json" | tr -d '\n' >"$T/r.json"
mv "$T/r.json" "$T/old/report.json"
expect 0 "$P" key sign "$T/old" --key "$T/key"
expect 0 "$P" verify "$T/old"
has "made by another version"

[ "$fails" = 0 ] || { echo "e2e_demix: $fails failure(s)"; exit 1; }
echo "e2e_demix: ok (seed $seed: $(wc -l <"$T/cmp") exit entities through a mix, $links post-mix links)"
