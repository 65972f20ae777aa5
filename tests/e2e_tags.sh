#!/bin/sh
# proceeds tags end to end: import, show (with a conflict), list, CSV
# neutralisation, idempotent re-import, rejections, the real OFAC list.
set -u
P="$PROCEEDS"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$P" tags import --db "$D/db" data/tags/sample.csv >"$D/out" 2>"$D/err" || fail "import sample"
grep -q "3 accepted, 0 rejected" "$D/out" || fail "sample counts: $(cat "$D/out")"
"$P" tags show --db "$D/db" 34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo >"$D/show" || fail "show"
grep -q "Binance.com" "$D/show" && grep -q "Example Exchange" "$D/show" || fail "both labels shown"
grep -q "conflict: 2 different labels" "$D/show" || fail "conflict not shown"
"$P" tags show --db "$D/db" --json 34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo | grep -q '"conflict": true' || fail "json conflict"
"$P" tags show --db "$D/db" 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa >/dev/null; [ $? = 1 ] || fail "untagged address must exit 1"

# Formula-injection labels are stored as-is, neutralised on CSV output.
printf '%s\n' '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,=HYPERLINK("http://x"),scam,@evil,50' >"$D/evil.csv"
"$P" tags import --db "$D/db" "$D/evil.csv" >/dev/null 2>&1 || fail "import evil"
"$P" tags show --db "$D/db" --json 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa | grep -q '"label": "=HYPERLINK' || fail "label not stored as-is"
"$P" tags list --db "$D/db" --category scam --csv >"$D/csv" || fail "list csv"
grep -q "\"'=HYPERLINK" "$D/csv" || fail "formula not neutralised: $(cat "$D/csv")"
grep -q "\"'@evil\"" "$D/csv" || fail "source not neutralised"

# Idempotent: importing twice leaves the same number of tags.
before=$("$P" tags stats --db "$D/db" --json | grep '"tags"')
"$P" tags import --db "$D/db" data/tags/sample.csv "$D/evil.csv" >/dev/null 2>&1 || fail "re-import"
after=$("$P" tags stats --db "$D/db" --json | grep '"tags"')
[ "$before" = "$after" ] || fail "re-import changed counts: $before -> $after"

# A plain list needs --source and --category; a bad file imports nothing.
printf '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n' >"$D/list.txt"
"$P" tags import --db "$D/db" "$D/list.txt" >/dev/null 2>&1; [ $? = 2 ] || fail "list without --source"
"$P" tags import --db "$D/db" --source notes --category ransomware --label "Locker" "$D/list.txt" >/dev/null 2>&1 || fail "list import"
"$P" tags list --db "$D/db" --label locker --json | grep -q '"category": *"ransomware"' || fail "list label filter"
printf 'title: x\ntags:\n- address: [unclosed\n' >"$D/bad.yaml"
"$P" tags import --db "$D/db" "$D/bad.yaml" 2>"$D/err" >/dev/null; [ $? = 2 ] || fail "bad yaml must exit 2"
grep -q "bad.yaml: line" "$D/err" || fail "bad yaml message: $(cat "$D/err")"
"$P" tags fetch --db "$D/db" http://example.org/x.txt 2>"$D/err"; [ $? = 2 ] || fail "http must be refused"
grep -q "only https" "$D/err" || fail "fetch message"

# The real OFAC list: 434 accepted, the TRON address rejected with a warning.
S=../shared/real/tags/ofac/sanctioned_addresses_XBT.txt
if [ -f "$S" ]; then
	"$P" tags import --db "$D/db" "$S" >"$D/out" 2>"$D/err" || fail "ofac import"
	grep -q "434 accepted, 1 rejected" "$D/out" || fail "ofac counts: $(cat "$D/out")"
	grep -q "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq" "$D/err" || fail "tron warning"
	"$P" tags list --db "$D/db" --category sanctions --csv | grep -c '^1\|^3\|^bc1' | grep -q '^434$' || fail "434 sanctions listed"
else
	echo "skip: ../shared not found"
fi
echo "e2e_tags: ok"
