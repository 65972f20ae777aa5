#!/bin/sh
# make demo end to end (data/demo.sh on data/demo) and the evidence package
# it makes: outputs present, verify passes (proofs, chain), the exchanges'
# checks match exactly the exit addresses; tampering named by verify;
# --reproduce at the same tip, at a descendant tip, on an index that is
# behind, and with a changed attribution; report.html printed to PDF by
# headless Chromium with every exit address in its text.
set -u
P=${PROCEEDS:?PROCEEDS not set}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib_e2e.sh"
N="--network regtest"

W=$T/demo
sh data/demo.sh "$P" "$W" >"$T/demo.log" 2>&1 || { cat "$T/demo.log"; fail "demo.sh exit $?"; exit 1; }
PKG=$W/package
for f in report.json report.html exits.csv hops.csv MANIFEST MANIFEST.sig \
	misp-event.json stix-bundle.json; do
	[ -s "$PKG/$f" ] || fail "package lacks $f"
done
grep -q "^report: $PKG/report.html$" "$T/demo.log" || fail "demo does not end with report.html's path"
tail -1 "$T/demo.log" | grep -q "UTC" || fail "demo does not end with the exits table"
PK=$("$P" key show "$W/demo.key" 2>/dev/null)

# Every cited transaction proven; every exit's exchange has a freeze request.
n_rec=$(jq '.proofs | length' "$PKG/report.json")
n_inc=$(jq '[.proofs[] | select(.status == "included")] | length' "$PKG/report.json")
[ "$n_rec" -gt 0 ] && [ "$n_rec" = "$n_inc" ] || fail "proofs: $n_inc of $n_rec included"
[ "$(ls "$PKG/proofs" | wc -l)" = "$n_rec" ] || fail "proofs/ does not hold one file per record"
for e in $(jq -r '.trace.document.entities[].entity' "$PKG/report.json" | tr 'A-Z' 'a-z'); do
	[ -s "$PKG/freeze/$e.json" ] && [ -s "$PKG/freeze/$e.html" ] || fail "no freeze request for $e"
done
expect 0 "$P" verify "$PKG" --pubkey "$PK" --db "$W/index"
has "proofs: $n_rec merkle proofs verified, 0 unavailable"
has "chain: .* outpoints found on the index as stated"

# The exchanges' checks matched exactly the exits' addresses (a static
# deposit address receiving several exits is one match).
jq -r '.trace.document.exits[].address' "$PKG/report.json" | sort -u >"$T/exits"
cat "$W"/check-*.txt | awk '/^MATCH/ {print $2}' | sort -u >"$T/matched"
cmp -s "$T/exits" "$T/matched" || fail "matches differ from the exit addresses"
# Each exchange's line says what its check found (exit 1 on a hit, 0 without).
for c in "$W"/check-*.txt; do
	name=${c##*/check-}; name=${name%.txt}
	if grep -q '^MATCH' "$c"; then want="$name: .* deposit address(es) match (exit 1"
	else want="$name: no deposit address matches (exit 0)"; fi
	grep -q "$want" "$T/demo.log" || fail "$name line"
done

# One hop altered in report.json, the package re-signed with another key.
cp -a "$PKG" "$T/t1"
jq -c '.trace.document.hops[1].value += 1000' "$T/t1/report.json" | tr -d '\n' >"$T/r.json"
mv "$T/r.json" "$T/t1/report.json"
"$P" key new --out "$T/other.key" -q >/dev/null 2>&1
expect 0 "$P" key sign "$T/t1" --key "$T/other.key"
hop=$(jq -r '.trace.document.hops[1].outpoint' "$T/t1/report.json")
expect 1 "$P" verify "$T/t1" --db "$W/index"
has "FAIL  report.json: hops\[$hop\]: value"
has "FAIL  report.html: is not what report.json renders to"
expect 1 "$P" verify "$T/t1" --db "$W/index" --pubkey "$PK"
has "not by the expected key $PK"
has "FAIL  report.json: hops\[$hop\]: value"
# A byte changed in a proof file.
cp -a "$PKG" "$T/t2"
pf=$(ls "$T/t2/proofs" | head -1)
sed 's/"index":\([0-9]*\)/"index":7\1/' "$T/t2/proofs/$pf" >"$T/p" && cp "$T/p" "$T/t2/proofs/$pf"
expect 1 "$P" verify "$T/t2"
has "FAIL  proofs/$pf: content changed"
has "FAIL  proofs/$pf: does not verify"
# A proof re-made consistent in itself but for another block: named by report.json.
cp -a "$PKG" "$T/t3"
jq -c '.proofs[0].height += 1' "$T/t3/report.json" | tr -d '\n' >"$T/r.json"
mv "$T/r.json" "$T/t3/report.json"
expect 1 "$P" verify "$T/t3"
has "says height"
# A report.json whose trace lacks required fields (re-signed): refused as
# invalid before anything renders it, never a crash.
cp -a "$PKG" "$T/t4"
jq -c 'del(.trace.document.hops[0].basis)' "$T/t4/report.json" | tr -d '\n' >"$T/r.json"
mv "$T/r.json" "$T/t4/report.json"
expect 0 "$P" key sign "$T/t4" --key "$T/other.key"
expect 1 "$P" verify "$T/t4"
has "FAIL  report.json: not a valid report: hops\[0\].basis"

# --reproduce: same tip; trace on a shorter index, reproduced on the longer.
expect 0 "$P" report --reproduce "$PKG" --db "$W/index"
has "the recorded tip"
has "reproduced: the rerun trace is identical"
I2=$T/short
"$P" index $N --db "$I2" --blocks data/demo/blocks --stop-height 150 -q >/dev/null 2>&1
"$P" tags import $N --db "$I2" data/demo/tags.csv -q >/dev/null
"$P" trace $N --db "$I2" --case data/demo/case.json --out "$T/tr150" -q >/dev/null || fail "trace at 150"
"$P" report "$T/tr150/trace.json" --db "$I2" --out "$T/p150" -q >/dev/null 2>&1 || fail "report at 150"
expect 2 "$P" report --reproduce "$PKG" --db "$I2"
has "index more blocks first"
"$P" index $N --db "$I2" --blocks data/demo/blocks -q >/dev/null 2>&1
expect 0 "$P" report --reproduce "$T/p150" --db "$I2"
has "a descendant of the recorded tip"
has "$(( $(jq '.generator.blocks' data/demo/truth.json) - 150 )) blocks later"
has "reproduced"
# A changed attribution: the unspent output's address tagged as an exchange.
addr=$(jq -r '.trace.document.unspent[0].address' "$T/p150/report.json")
printf 'address,label,category,source,confidence\n%s,Newex,exchange,test,100\n' "$addr" >"$T/tag.csv"
"$P" tags import $N --db "$I2" "$T/tag.csv" -q >/dev/null
expect 1 "$P" report --reproduce "$T/p150" --db "$I2"
has "DIFF  "
has "NOT reproduced"

# report.html of the demo printed to PDF: every exit address in the text.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "skip: chromium not installed (PDF of the demo report)"
else
	U=$T/chrome
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$U" \
		--enable-logging=stderr --v=0 --no-pdf-header-footer \
		--print-to-pdf="$T/demo.pdf" "file://$PKG/report.html" >"$T/chrome.log" 2>&1
	if [ ! -s "$T/demo.pdf" ]; then
		fail "no PDF from chromium: $(tail -3 "$T/chrome.log")"
	else
		grep -E "Uncaught|CONSOLE" "$T/chrome.log" && fail "console messages"
		pdftotext "$T/demo.pdf" - | tr -d ' \n' >"$T/packed.txt"
		for a in $(cat "$T/exits"); do
			grep -q "$a" "$T/packed.txt" || fail "exit address $a not in the PDF"
		done
		grep -q "Howtoverifythisreport" "$T/packed.txt" || fail "no verification section in the PDF"
	fi
fi
# The demo's crime goes through a CoinJoin: the report states the bound in
# plain words, every exit behind the mix with its range, and every post-mix
# link with its transaction.
grep -q "A CoinJoin (mix) hides which of its outputs are the criminal" "$PKG/report.html" ||
	fail "report lacks the plain words on mixes"
n_mix=$(jq '[.trace.document.exits[] | select(.through_mix and .bound_max != null)] | length' "$PKG/report.json")
[ "$n_mix" -gt 0 ] || fail "no exit through a mix with a bound"
n_links=$(jq '.trace.document.post_mix_links | length' "$PKG/report.json")
[ "$n_links" -gt 0 ] || fail "no post-mix link in the demo"
for tx in $(jq -r '.trace.document.post_mix_links[].txid' "$PKG/report.json"); do
	grep -q "$tx" "$PKG/report.html" || fail "post-mix link $tx not in the report"
done
[ "$fails" = 0 ] || { echo "e2e_demo: $fails failure(s)"; exit 1; }
echo "e2e_demo: ok"
