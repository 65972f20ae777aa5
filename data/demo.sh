#!/bin/sh
# make demo: the whole job on the simulated ransomware case in data/demo.
#   sh data/demo.sh PROCEEDS [WORKDIR]   (WORKDIR default demo-out/, replaced)
# Index the blocks, cluster, import the investigator's tags, trace the
# victims' payments, write the signed evidence package (proofs, freeze
# requests, MISP, STIX), verify and reproduce it, then play each exchange:
# load the package into a watchlist and screen its own deposit list.
set -eu
P=${1:?usage: demo.sh PROCEEDS [WORKDIR]}
W=${2:-demo-out}
D=data/demo
CASE_REF=$(sed -n 's/^ *"case": *"\([^"]*\)".*/\1/p' "$D/case.json" | head -1)
step() { echo "proceeds demo: $*"; }

rm -rf "$W"
mkdir -p "$W"
DB="$W/index"
N="--network regtest"

step "1/9 index the chain in $D/blocks"
"$P" index $N --db "$DB" --blocks "$D/blocks" -q
step "2/9 cluster addresses (multi-input, CoinJoins skipped)"
"$P" cluster build $N --db "$DB" -q | sed -n 's/^\(clusters\|coinjoins\) */  \1: /p'
step "3/9 import the investigator's tags ($D/tags.csv)"
"$P" tags import $N --db "$DB" "$D/tags.csv" -q
step "4/9 trace the victims' payments ($D/case.json, case $CASE_REF)"
"$P" trace $N --db "$DB" --case "$D/case.json" --error-rates data/cluster-error-rates.json --out "$W/trace" -q | head -1
step "5/9 make a signing key ($W/demo.key) and the evidence package"
PK=$("$P" key new --out "$W/demo.key" -q)
echo "  public key: $PK"
"$P" report "$W/trace/trace.json" --db "$DB" --out "$W/package" --key "$W/demo.key" \
	--case-ref "$CASE_REF" --contact "Cybercrime Unit, investigator@police.example" \
	--request freeze --title "Ransomware proceeds ($CASE_REF)" -q >"$W/report.out"
echo "  $(ls "$W/package/proofs" | wc -l) merkle proofs, $(ls "$W/package/freeze" | grep -c '\.json$') freeze requests, misp-event.json, stix-bundle.json"
step "6/9 verify the package (signature, proofs, every outpoint on the chain)"
"$P" verify "$W/package" --pubkey "$PK" --db "$DB" | sed 's/^/  /'
step "7/9 reproduce the trace from the package"
"$P" report --reproduce "$W/package" --db "$DB" | sed 's/^/  /'
step "8/9 an exchange loads the signed package into its watchlist (no chain index)"
"$P" watchlist add $N --db "$W/exchange-db" --pubkey "$PK" "$W/package" -q
step "9/9 each exchange screens its own deposit addresses"
for f in "$D"/exchange-*-deposits.csv; do
	name=$(basename "$f" -deposits.csv); name=${name#exchange-}
	rc=0
	"$P" check $N --db "$W/exchange-db" --file "$f" -q >"$W/check-$name.txt" || rc=$?
	case $rc in
	1) echo "  $name: $(grep -c '^MATCH' "$W/check-$name.txt") deposit address(es) match (exit 1, as expected for a hit)"
	   sed 's/^/    /' "$W/check-$name.txt" ;;
	0) echo "  $name: no deposit address matches (exit 0)" ;;
	*) echo "proceeds demo: check of $f failed (exit $rc)" >&2; exit 2 ;;
	esac
done
echo
echo "report: $(cd "$W/package" && pwd)/report.html"
tail -n +2 "$W/report.out"
