#!/bin/sh
# The hand-off to a distributed engine (docs/scale.md) on a simulated
# economy: export edges at tx level (rows = inputs + outputs of `index
# --verify --json`, the manifest's partition counts = the files' rows,
# CSV and JSON Lines agree under jq, every spent outpoint created by an
# output row) and at address level (rows and per-tx values against the tx
# level); the multi-input recipe of docs/scale.md (co-spend edges: the
# address rows with n_src >= 2, minus the txids `cluster mixes --csv`
# lists as not merged) run here by a union-find in awk in place of
# GraphFrames, imported back: the same map as proceeds' own build; then
# cluster export --all --csv, import, export again: byte-identical, and
# sampled `cluster show` equal before and after; why and build after an
# import; refusals (existing directory, bad options, a bad row).
set -u
P=${PROCEEDS:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-export.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib_e2e.sh"
C="--network regtest --db $T/db"

"$P" simulate -q --out "$T/sim" --txs 3000 --seed 7 >/dev/null || fail "simulate"
"$P" index -q $C --blocks "$T/sim/blocks" || fail "index"
"$P" index $C --verify --json > "$T/verify" || fail "index --verify"
ins=$(jq .inputs "$T/verify") outs=$(jq .outputs "$T/verify") tip=$(jq .tip_height "$T/verify")
"$P" cluster -q $C build > /dev/null || fail "cluster build"

# --- tx level ----------------------------------------------------------
"$P" export -q edges $C --out "$T/tx" --partition 40 --json > "$T/txsum" || fail "export edges"
M=$T/tx/manifest.json
[ "$(jq .rows "$M")" -eq $((ins + outs)) ] || fail "tx rows $(jq .rows "$M") != $ins inputs + $outs outputs"
[ "$(jq .rows "$T/txsum")" -eq "$(jq .rows "$M")" ] || fail "summary and manifest differ"
[ "$(jq '[.partitions[].rows] | add' "$M")" -eq "$(jq .rows "$M")" ] || fail "partition rows do not add up"
[ "$(jq '.partitions | length' "$M")" -eq $((tip / 40 + 1)) ] || fail "not one partition per 40 blocks"
jq -r '.partitions[] | "\(.rows) \(.csv) \(.jsonl)"' "$M" > "$T/parts"
while read -r rows csv jsonl; do
	[ "$(wc -l < "$T/tx/$csv")" -eq $((rows + 1)) ] || fail "$csv: not $rows rows + header"
	[ "$(wc -l < "$T/tx/$jsonl")" -eq "$rows" ] || fail "$jsonl: not $rows lines"
	case $csv in edges/csv/height_range=*-*/part.csv) ;; *) fail "partition path $csv" ;; esac
done < "$T/parts"
head -1 "$T/tx/$(jq -r '.partitions[0].csv' "$M")" |
	grep -qx "direction,txid,outpoint,tx_index,height,time,index,address,value" || fail "tx csv header"
jq -r '.columns[].name' "$T/tx/schema.json" | paste -sd, - |
	grep -qx "direction,txid,outpoint,tx_index,height,time,index,address,value" || fail "schema columns"
for f in $(jq -r '.partitions[].csv' "$M"); do tail -n +2 "$T/tx/$f"; done > "$T/tx.csv"
for f in $(jq -r '.partitions[].jsonl' "$M"); do cat "$T/tx/$f"; done |
	jq -r '[.direction, .txid, .outpoint, (.tx_index|tostring), (.height|tostring), (.time|tostring),
		(.index|tostring), .address, (.value|tostring)] | join(",")' > "$T/txj.csv" ||
	fail "tx JSON Lines do not parse"
cmp -s "$T/tx.csv" "$T/txj.csv" || fail "tx CSV and JSON Lines differ"
# every spent outpoint was created by an output row with that address and value
awk -F, '$1 == "out" { o[$3] = $8 "," $9 } $1 == "in" { i[$3] = $8 "," $9 }
	END { for (k in i) if (o[k] != i[k]) bad++; exit bad > 0 }' "$T/tx.csv" ||
	fail "an input names an outpoint no output row created"
# a height range holds just its blocks
"$P" export -q edges $C --out "$T/tx2" --from 100 --to 105 > /dev/null || fail "export --from --to"
[ "$(jq .rows "$T/tx2/manifest.json")" -eq "$(awk -F, '$5 >= 100 && $5 <= 105' "$T/tx.csv" | wc -l)" ] ||
	fail "--from 100 --to 105: rows differ from the whole export's"

# --- address level -----------------------------------------------------
"$P" export -q edges $C --out "$T/ad" --level address > /dev/null || fail "export --level address"
A=$T/ad/manifest.json
for f in $(jq -r '.partitions[].csv' "$A"); do tail -n +2 "$T/ad/$f"; done > "$T/ad.csv"
[ "$(wc -l < "$T/ad.csv")" -eq "$(jq .rows "$A")" ] || fail "address rows differ from the manifest"
for f in $(jq -r '.partitions[].jsonl' "$A"); do cat "$T/ad/$f"; done |
	jq -r '[.src, .dst, .txid, (.tx_index|tostring), (.height|tostring), (.time|tostring), (.value|tostring),
		(.n_src|tostring), (.n_dst|tostring)] | join(",")' | cmp -s - "$T/ad.csv" ||
	fail "address CSV and JSON Lines differ"
# rows per tx = n_src * n_dst, and a tx's rows sum to its outputs
awk -F, '{ n[$3]++; w[$3] = $8 * $9; v[$3] += $7 }
	END { for (t in n) { if (n[t] != w[t]) bad++; print t, v[t] } exit bad > 0 }' \
	"$T/ad.csv" | sort > "$T/adsum" || fail "address rows per tx != n_src * n_dst"
awk -F, '$1 == "out" { v[$2] += $9 } $1 == "in" { spends[$2] = 1 }
	END { for (t in spends) print t, v[t] }' "$T/tx.csv" | sort > "$T/txsum2"
cmp -s "$T/adsum" "$T/txsum2" || fail "address rows of a tx do not sum to its outputs"

# --- the multi-input recipe, with awk in place of GraphFrames ----------
"$P" cluster -q $C export --all --csv > "$T/a.csv" || fail "cluster export --all"
"$P" cluster $C mixes --csv | awk -F, 'NR > 1 && $5 == "no" { print $1 }' > "$T/mixes"
awk -F, 'FNR == NR { skip[$1] = 1; next }
	function find(x) { while (p[x] != "" && p[x] != x) x = p[x]; return x }
	FILENAME ~ /ad.csv$/ && $8 >= 2 && !($3 in skip) {
		if (!($3 in a)) a[$3] = $1
		r = find(a[$3]); s = find($1); if (r != s) p[s] = r }
	FILENAME ~ /a.csv$/ && FNR > 1 { id[$1] = FNR - 2; if (p[$1] == "") p[$1] = $1; addr[FNR - 2] = $1 }
	END { print "address,cluster_id"
		for (i = 0; i in addr; i++) print addr[i] "," id[find(addr[i])] }' \
	"$T/mixes" "$T/ad.csv" "$T/a.csv" > "$T/cc.csv"
"$P" cluster -q $C import "$T/cc.csv" > /dev/null || fail "import the recipe's map"
"$P" cluster -q $C export --all --csv > "$T/cc2.csv" || fail "export after the recipe"
cmp -s "$T/a.csv" "$T/cc2.csv" || fail "the multi-input recipe's components differ from proceeds' build"

# --- export --all, import, export: the same ids, the same show ---------
"$P" cluster -q $C build > /dev/null || fail "rebuild"
"$P" cluster -q $C export --all --csv > "$T/a.csv" || fail "export a"
ids=$(awk -F, 'NR > 1 && $2 != NR - 2 { print NR - 2 }' "$T/a.csv" | awk 'NR % 40 == 1' | head -8)
ids="$ids 0 $(awk -F, 'END { print NR - 2 }' "$T/a.csv")"
for id in $ids; do
	"$P" cluster $C show "$id" --json | jq -c "{cluster, size, received_sat, outputs, spent, first_height, last_height, entity}" 
done > "$T/show.before"
"$P" cluster $C import "$T/a.csv" > "$T/imp" 2> "$T/imp.err" || fail "cluster import a.csv"
grep -q "^imported      .*a.csv: $(($(wc -l < "$T/a.csv") - 1)) rows" "$T/imp" || fail "import summary: $(cat "$T/imp")"
"$P" cluster -q $C export --all --csv > "$T/b.csv" || fail "export b"
cmp "$T/a.csv" "$T/b.csv" || fail "export after import differs"
for id in $ids; do
	"$P" cluster $C show "$id" --json | jq -c "{cluster, size, received_sat, outputs, spent, first_height, last_height, entity}"
done > "$T/show.after"
[ "$(wc -l < "$T/show.after")" -ge 8 ] || fail "too few clusters shown"
cmp -s "$T/show.before" "$T/show.after" || fail "cluster show differs after import"
"$P" cluster $C show "$(echo $ids | cut -d' ' -f1)" | grep -q "imported" || fail "show does not say imported"
x=$(echo $ids | cut -d' ' -f1); r=$(sed -n "$((x + 2))p" "$T/a.csv" | cut -d, -f2)
expect 0 "$P" cluster $C why "$r" "$x"
has "imported from .*a.csv, no per-transaction evidence"
expect 1 "$P" cluster $C why 0 "$x"
has "^not linked"
# a missing row: its own cluster, counted on stderr
head -n -1 "$T/a.csv" > "$T/short.csv"
expect 0 "$P" cluster $C import "$T/short.csv"
has "warning: 1 of $(($(wc -l < "$T/a.csv") - 1)) addresses of the index are not in"
# a bad row: refused, one line, naming it; the clustering stays
(cat "$T/a.csv"; echo "not-an-address,1") > "$T/bad.csv"
"$P" cluster -q $C import "$T/a.csv" > /dev/null || fail "re-import"
expect 2 "$P" cluster $C import "$T/bad.csv"
has "^proceeds: cluster import: .*bad.csv: line $(($(wc -l < "$T/a.csv") + 1)): "
[ "$(wc -l < "$T/out")" -eq 1 ] || fail "bad row: not one line"
"$P" cluster -q $C export --all --csv | cmp -s - "$T/a.csv" || fail "a refused import changed the clustering"
"$P" cluster $C build > "$T/out" 2>&1 || fail "build after import"
has "rebuilt       the stored clustering was imported"
"$P" cluster -q $C export --all --csv | cmp -s - "$T/a.csv" || fail "build after import differs"

# --- refusals ------------------------------------------------------------
expect 2 "$P" export edges $C --out "$T/tx"
has "^proceeds: export edges: .*already exists"
expect 2 "$P" export edges $C
has "give --out DIR"
expect 2 "$P" export edges $C --out "$T/x" --level pairs
has "level: tx or address"
expect 2 "$P" export edges $C --out "$T/x" --to $((tip + 1))
has "is above the index tip"
expect 2 "$P" export edges $C --out "$T/x" --partition 0
expect 2 "$P" export nodes $C --out "$T/x"

[ $fails -eq 0 ] && echo "e2e_export: ok"
exit $fails
