#!/bin/sh
# proceeds cluster and graph on real mainnet history (heights 0-4521):
# build, incremental no-op, why for block 496's a3b0e9e7... inputs,
# show/export/list/refused, tags on a cluster, graph in DOT (rendered with
# GraphViz when present), GraphML (well-formed XML) and JSON.
set -u
P=${PROCEEDS:?}
SH=${PROCEEDS_SHARED:-../shared}
CHAIN=$SH/real/chains/mainnet-0-4521
if [ ! -d "$CHAIN" ]; then echo "skip: ../shared not found"; exit 0; fi
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-cluster.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
D="--db $T/db"

"$P" index -q $D --blocks "$CHAIN" || bad "index"
"$P" cluster $D show 1 >/dev/null 2>&1 && bad "show before build succeeded"
"$P" cluster -q $D build > "$T/b1" || bad "build"
grep -q "^heuristics    multi-input (CoinJoin skip on), change off, guard on" "$T/b1" || bad "build does not state its heuristics"
grep -q "^rebuilt       first build" "$T/b1" || bad "first build not stated"
"$P" cluster -q $D build --json > "$T/b2" || bad "second build"
grep -q '"txs": 0' "$T/b2" || bad "second build processed txs again"
grep -q '"rebuilt": false' "$T/b2" || bad "second build rebuilt"
"$P" cluster -q $D build --change --json > "$T/b3" || bad "change build"
grep -q '"change": true' "$T/b3" || bad "change not stated in JSON"
grep -q '"rebuilt": true' "$T/b3" || bad "option change did not rebuild"
"$P" cluster -q $D build > /dev/null || bad "back to defaults"
# 2009-2010 multi-input txs are one owner's consolidations: no mix at all
"$P" cluster $D mixes --json > "$T/mixes" || bad "cluster mixes"
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['mixes'] == []" "$T/mixes" || bad "a 2009-2010 tx judged a mix"
grep -q "0 mixes, 0 possible mixes" "$T/b1" || bad "build does not count mixes"
"$P" cluster -q $D build --merge-possible --json > "$T/b5" || bad "merge-possible build"
grep -q '"merge_possible": true' "$T/b5" || bad "merge-possible not stated"
grep -q '"rebuilt": true' "$T/b5" || bad "merge-possible did not rebuild"
"$P" cluster -q $D build > /dev/null || bad "back to defaults"

# block 496: a3b0e9e7... spends from three addresses
TX=a3b0e9e7cddbbe78270fa4182a7675ff00b92872d8df7d14265a2b1e379a9d33
"$P" tx $D --json $TX > "$T/tx" || bad "tx lookup"
ADDRS=$(grep -o '"address": "[^"]*"' "$T/tx" | sed 's/.*: "//; s/"//' | sort -u)
set -- $(python3 - "$T/tx" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
ins = t.get("vin") or t.get("inputs") or []
print(" ".join(i.get("address") or (i.get("prevout") or {}).get("address", "") for i in ins))
PY
)
[ $# -eq 3 ] || bad "expected 3 input addresses, got $#"
if [ $# -ge 2 ]; then
	"$P" cluster $D why "$1" "$3" > "$T/why" || bad "why: not linked"
	grep -q "$TX" "$T/why" || bad "why does not name $TX"
	grep -q "multi-input, confidence 100%" "$T/why" || bad "why lacks heuristic"
	"$P" cluster $D why --json "$1" "$2" | grep -q '"linked": true' || bad "why json"
	"$P" cluster $D show "$1" > "$T/show" || bad "show"
	grep -q "^size          3 addresses" "$T/show" || bad "cluster of $1 is not 3 addresses"
	"$P" cluster $D export "$1" --csv > "$T/csv" || bad "export"
	[ "$(wc -l < "$T/csv")" -eq 4 ] || bad "export: not 3 rows"
	for a in "$1" "$2" "$3"; do grep -q ",$a\$" "$T/csv" || bad "export lacks $a"; done
	# tags: two exchanges on two members of one cluster -> a conflict
	printf 'address,label,category,source,confidence\n%s,Exchange X,exchange,e2e,80\n%s,Exchange Y,exchange,e2e,80\n' "$1" "$2" > "$T/tags.csv"
	"$P" tags -q $D import "$T/tags.csv" > /dev/null || bad "tags import"
	"$P" cluster -q $D build > /dev/null || bad "relabel"
	"$P" cluster $D list --category exchange > "$T/list" || bad "list"
	grep -q "CONFLICT" "$T/list" || bad "conflict not listed"
	"$P" cluster $D list --label "exchange y" | grep -q "Exchange" || bad "list --label"
	"$P" cluster $D show "$3" | grep -q "^CONFLICT" || bad "show hides the conflict"
	"$P" cluster $D refused | grep -q "heuristics" || bad "refused"
	# a rebuild now refuses the merge of the two exchanges
	"$P" cluster -q $D build --rebuild > "$T/b4" || bad "rebuild with tags"
	grep -q "^refused       1 merges" "$T/b4" || bad "exchange-exchange merge not refused"
	"$P" cluster $D refused | grep -q "^refused .*$TX" || bad "refusal not listed"
	"$P" cluster -q $D build --rebuild --no-guard > /dev/null || bad "no guard"

	"$P" graph $D --cluster "$1" --depth 2 --format dot > "$T/g.dot" || bad "graph dot"
	grep -q "Exchange" "$T/g.dot" || bad "graph lacks the label"
	if command -v dot > /dev/null 2>&1; then
		dot -Tsvg "$T/g.dot" > "$T/g.svg" || bad "dot cannot render"
		grep -q "<svg" "$T/g.svg" || bad "no svg"
	else
		echo "note: graphviz not installed, DOT render check skipped"
	fi
	"$P" graph $D --cluster "$1" --format graphml > "$T/g.xml" || bad "graphml"
	python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$T/g.xml" || bad "graphml not XML"
	"$P" graph $D --cluster "$1" --format json > "$T/g.json" || bad "graph json"
	python3 -c "import json,sys; g=json.load(open(sys.argv[1])); assert g['nodes'] and g['edges']" "$T/g.json" || bad "graph json content"
fi
"$P" graph $D --format svg --cluster 1 2>/dev/null && bad "bad format accepted"
[ $fail -eq 0 ] && echo "e2e_cluster: ok"
exit $fail
