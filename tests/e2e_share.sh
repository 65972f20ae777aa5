#!/bin/sh
# Sharing: proceeds share writes freeze requests, MISP and STIX; the signed
# package goes into a watchlist (refused unsigned or badly signed); check
# screens deposits. Env: PROCEEDS = the binary. Run from the checkout.
set -u
P=${PROCEEDS:?PROCEEDS not set}
TRACE=tests/data/trace-share.json
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-share.XXXXXX")
trap 'rm -rf "$T"' EXIT
HOME=$T/home; export HOME
mkdir -p "$HOME"
unset PROCEEDS_KEY PROCEEDS_DB
. "$(dirname "$0")/lib_e2e.sh"

DA1=1GL1htwU7dUJBYLDvdicbj2GNVVnVpERVZ   # Exchange A deposit
DA2=39h3ABrX4k7TrktjgnDSA3Sk5bQ5TUhjMF   # Exchange A deposit
DB1=17cM9WaWQ4qUHmYW3Ft79joeCYqPEuQbL8   # Exchange B deposit
VICTIM=13YLRKoJ98oNHS1dekPQKnhPbVusG9jd7L
CLEAN=1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa

# --- the package
expect 2 "$P" share "$TRACE" --out "$T/pkg"
has "case reference"
expect 2 "$P" share "$TRACE" --out "$T/pkg" --case-ref X --request seize
expect 0 "$P" share "$TRACE" --out "$T/pkg" --case-ref "POL-2024-42" \
	--contact "cyber unit <cyber@police.example>" --request freeze
for f in freeze/exchange-a.json freeze/exchange-a.html freeze/exchange-b-b.json \
	freeze/exchange-b-b.html misp-event.json stix-bundle.json; do
	[ -s "$T/pkg/$f" ] || fail "missing $f"
done
# Reruns are byte-identical (deterministic ids and dates).
expect 0 "$P" share "$TRACE" --out "$T/pkg2" --case-ref "POL-2024-42" \
	--contact "cyber unit <cyber@police.example>"
diff -r "$T/pkg" "$T/pkg2" >/dev/null || fail "a rerun differs"
# Each request names its own deposits only, never the victim.
grep -q "$DA1" "$T/pkg/freeze/exchange-a.json" || fail "A lacks its deposit"
grep -q "$DB1" "$T/pkg/freeze/exchange-a.json" && fail "A names B's deposit"
grep -q "$DA1" "$T/pkg/freeze/exchange-b-b.json" && fail "B names A's deposit"
grep -q "$VICTIM" "$T/pkg"/freeze/* && fail "a request names the victim's address"
grep -qi "smith" "$T/pkg"/freeze/* "$T/pkg"/*.json && fail "the victim's case file leaks"
grep -q "<b>" "$T/pkg/freeze/exchange-b-b.html" && fail "HTML not escaped"
grep -q "&lt;b&gt;" "$T/pkg/freeze/exchange-b-b.html" || fail "escaped name missing"
grep -Eq '(src|href)=' "$T/pkg/freeze/exchange-a.html" && fail "HTML loads something"

# --- watchlist add: unsigned refused unless trusted
expect 2 "$P" watchlist add "$T/pkg" --db "$T/db"
has "not signed"
expect 2 "$P" watchlist add "$T/pkg/freeze/exchange-a.json" --db "$T/db"
has "not signed"
expect 0 "$P" key new --out "$T/k" -q
PK=$(cat "$T/out")
expect 0 "$P" key new --out "$T/k2" -q
PK2=$(cat "$T/out")
expect 0 "$P" key sign "$T/pkg" --key "$T/k"
# a package changed after signing is refused, even with --trust-unsigned
cp -a "$T/pkg" "$T/bad"
sed -i "s/$DA1/$CLEAN/" "$T/bad/freeze/exchange-a.json"
expect 2 "$P" watchlist add "$T/bad" --db "$T/db" --trust-unsigned
has "does not verify"
has "exchange-a.json"
expect 2 "$P" watchlist add "$T/bad/freeze/exchange-a.json" --db "$T/db"
has "does not verify"
# a MANIFEST re-signed by another key than the one expected
expect 2 "$P" watchlist add "$T/pkg" --db "$T/db" --pubkey "$PK2"
# a signature that does not verify (one hex digit changed)
cp -a "$T/pkg" "$T/badsig"
awk '/^signature /{c=substr($2,1,1); $2=(c=="0"?"1":"0") substr($2,2)} {print}' \
	"$T/pkg/MANIFEST.sig" >"$T/badsig/MANIFEST.sig"
cmp -s "$T/pkg/MANIFEST.sig" "$T/badsig/MANIFEST.sig" && fail "signature not changed"
expect 2 "$P" watchlist add "$T/badsig" --db "$T/db"
[ -d "$T/db" ] && { "$P" watchlist stats --db "$T/db" >"$T/out" 2>&1; has "entries    0"; }

expect 0 "$P" watchlist add "$T/pkg" --db "$T/db" --pubkey "$PK"
has "3 entries (signature verified)"
expect 0 "$P" watchlist add "$T/pkg" --db "$T/db"
expect 0 "$P" watchlist stats --db "$T/db"
has "entries    3"
expect 0 "$P" watchlist list --db "$T/db" --csv
has "^address,case_ref"
has "$DB1,POL-2024-42,390000,398000"

# --- check
printf 'customer,address,amount\nc1,%s,1.0\nc2,%s,2.0\n' "$CLEAN" "$DA2" >"$T/dep.csv"
printf '%s\n%s\n' "$CLEAN" "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy" >"$T/clean.txt"
expect 1 "$P" check --db "$T/db" --file "$T/dep.csv"
has "MATCH  $DA2  case POL-2024-42  amount 0.00200000-0.00240000 BTC  Exchange A"
has "signed by ${PK%${PK#????????????????}}"
lacks "$CLEAN  case"
expect 0 "$P" check --db "$T/db" --file "$T/clean.txt"
has "0 matches"
expect 1 "$P" check --db "$T/db" "$CLEAN" "$DB1" --json
has "\"checked\": 2"
has "\"case_ref\": \"POL-2024-42\""
"$P" check --db "$T/db" -q <"$T/clean.txt" >"$T/out" 2>&1
[ $? = 0 ] || fail "check from stdin"
expect 2 "$P" check --db "$T/db" "1notanaddress"
has "invalid address"
expect 2 "$P" check --db "$T/nodb" "$CLEAN"

# --- other sources: MISP and a plain tag CSV need trust when unsigned
expect 0 "$P" watchlist add "$T/pkg/misp-event.json" --db "$T/db3"
has "signature verified"
printf 'address,label,category,source,confidence\n%s,Bad actor,scam,unit test,80\n' \
	"$CLEAN" >"$T/tags.csv"
expect 2 "$P" watchlist add "$T/tags.csv" --db "$T/db3"
expect 0 "$P" watchlist add "$T/tags.csv" --db "$T/db3" --trust-unsigned --case-ref C-7
expect 1 "$P" check --db "$T/db3" "$CLEAN" "$DA1"
has "case C-7"
has "$DA1  case"
expect 0 "$P" watchlist remove --db "$T/db3" --case-ref C-7
has "removed 1 entry"
expect 0 "$P" check --db "$T/db3" "$CLEAN"

[ "$fails" = 0 ] && echo "e2e_share: ok"
[ "$fails" = 0 ]
