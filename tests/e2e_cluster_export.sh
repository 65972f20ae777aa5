#!/bin/sh
# proceeds cluster export --all on a simulated chain: refused (exit 2, one
# line) without a build; with a build older than the index, every address
# is exported anyway, those beyond the build as their own cluster, and
# stderr counts them; after a full build one CSV row per address of the
# index (`index --verify --json` "addresses") in id order, as many
# distinct cluster ids as the build reports clusters, each cluster id the
# smallest id of its cluster, ~20 sampled rows equal to `cluster show
# --json`; --json is JSON Lines with the same rows; write errors exit 2.
set -u
P=${PROCEEDS:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-cluster-export.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib_e2e.sh"
C="--network regtest --db $T/db"

"$P" simulate -q --out "$T/sim" --txs 3000 --seed 7 >/dev/null || fail "simulate"
"$P" index -q $C --blocks "$T/sim/blocks" --stop-height 107 || fail "index to 107"

expect 2 "$P" cluster $C export --all --csv
has "^proceeds: cluster export: no clusters built (run proceeds cluster build)"
[ "$(wc -l < "$T/out")" -eq 1 ] || fail "no build: not one line"
expect 2 "$P" cluster $C export --all
has "give --csv or --json"

# a build at height 107, then the rest of the chain indexed
"$P" cluster -q $C build --json > "$T/b0" || fail "build at 107"
built=$(jq .addresses "$T/b0")
"$P" index -q $C --blocks "$T/sim/blocks" || fail "index the rest"
"$P" index $C --verify --json > "$T/verify" || fail "index --verify"
n=$(jq .addresses "$T/verify")
[ "$n" -gt "$built" ] || fail "no address beyond the build ($n, $built)"
"$P" cluster $C export --all --csv > "$T/old.csv" 2> "$T/err" || fail "export old build"
grep -q "$((n - built)) addresses beyond it" "$T/err" || fail "stale build not counted: $(cat "$T/err")"
[ "$(wc -l < "$T/old.csv")" -eq $((n + 1)) ] || fail "old build: not $n rows"
awk -F, -v b="$built" 'NR > 1 && NR - 2 >= b && $2 != NR - 2 { bad++ }
	END { exit bad > 0 }' "$T/old.csv" || fail "an address beyond the build is not its own cluster"
[ "$(awk -F, 'NR > 1 && $2 != NR - 2' "$T/old.csv" | wc -l)" -gt 0 ] || fail "old build: nothing merged"
"$P" cluster -q $C export --all --csv > /dev/null 2> "$T/err" || fail "export -q"
[ ! -s "$T/err" ] || fail "-q is not quiet: $(cat "$T/err")"

"$P" cluster -q $C build --json > "$T/b1" || fail "build"
clusters=$(jq .clusters "$T/b1")
[ "$(jq .addresses "$T/b1")" -eq "$n" ] || fail "build does not cover the index"
"$P" cluster -q $C export --all --csv > "$T/all.csv" || fail "export"
head -1 "$T/all.csv" | grep -qx "address,cluster_id" || fail "csv header"
[ "$(wc -l < "$T/all.csv")" -eq $((n + 1)) ] || fail "not $n rows + header"
[ "$(tail -n +2 "$T/all.csv" | cut -d, -f2 | sort -u | wc -l)" -eq "$clusters" ] ||
	fail "distinct cluster ids differ from the build's $clusters clusters"
[ "$(tail -n +2 "$T/all.csv" | cut -d, -f1 | sort -u | wc -l)" -eq "$n" ] ||
	fail "addresses are not distinct"
# the cluster id is the smallest id of the cluster: <= the row's id, and
# the cluster id's own row names itself
awk -F, 'NR > 1 { id = NR - 2; root[id] = $2; if ($2 > id || root[$2] != $2) bad++ }
	END { exit bad > 0 }' "$T/all.csv" || fail "a cluster id is not its cluster's smallest id"
merged=$(awk -F, 'NR > 1 && $2 != NR - 2' "$T/all.csv" | wc -l)
[ "$merged" -gt 0 ] || fail "no address merged: nothing to compare"

# ~20 rows against cluster show: 10 spread over the ids, 10 merged ones
ids=$(awk -F, -v n="$n" 'NR > 1 && (NR - 2) % int(n / 10) == 0 { print NR - 2 }' "$T/all.csv" | head -10)
ids="$ids $(awk -F, 'NR > 1 && $2 != NR - 2 { print NR - 2 }' "$T/all.csv" | awk 'NR % 7 == 1' | head -10)"
checked=0
for id in $ids; do
	row=$(sed -n "$((id + 2))p" "$T/all.csv")
	addr=${row%,*} want=${row##*,}
	case "$addr" in script:*) q=$id;; *) q=$addr;; esac
	got=$("$P" cluster $C show "$q" --json | jq .cluster)
	[ "$got" = "$want" ] || fail "id $id ($addr): export says $want, show says $got"
	checked=$((checked + 1))
done
[ "$checked" -ge 15 ] || fail "only $checked rows compared with cluster show"

"$P" cluster -q $C export --all --json > "$T/all.jsonl" || fail "export --json"
[ "$(wc -l < "$T/all.jsonl")" -eq "$n" ] || fail "json: not $n lines"
jq -e -c 'select((.address | type) != "string" or (.cluster_id | type) != "number")' \
	"$T/all.jsonl" > "$T/badj" || true
[ ! -s "$T/badj" ] || fail "json lines lack fields: $(head -2 "$T/badj")"
jq -r '"\(.address),\(.cluster_id)"' "$T/all.jsonl" > "$T/j.csv" || fail "json lines do not parse"
tail -n +2 "$T/all.csv" | cmp -s - "$T/j.csv" || fail "json rows differ from csv rows"

# write errors: a full disk and a closed stdout
"$P" cluster -q $C export --all --csv > /dev/full 2> "$T/out"
[ $? -eq 2 ] || fail "full disk: not exit 2"
has "^proceeds: cluster export: writing the output: "
"$P" cluster -q $C export --all --json >&- 2> "$T/out"
[ $? -eq 2 ] || fail "closed stdout: not exit 2"
has "^proceeds: cluster: standard output is closed"
expect 2 "$P" cluster $C export 3 --all --csv
has "not both"

[ $fails -eq 0 ] && echo "e2e_cluster_export: ok"
exit $fails
