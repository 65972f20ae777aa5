#!/bin/sh
# proceeds report end to end: a signed package from the sample trace,
# verified; report.html printed to PDF by headless Chromium, whose text must
# hold the summary, every exit address and the verification section, with
# no console error; a hostile label stays inert.
set -u
P="$PROCEEDS"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
T=tests/data/trace-sample.json

"$P" key new --out "$D/key" >/dev/null 2>&1 || fail "key new"
SOURCE_DATE_EPOCH=1700100000 "$P" report "$T" --out "$D/pkg" --key "$D/key" \
	--case-ref "CASE-17" --contact "j.doe@police.example" --title "Theft from Victim Ltd" \
	>"$D/out" 2>"$D/err" || fail "report: $(cat "$D/err")"
grep -q "^$D/pkg/report.html$" "$D/out" || fail "report.html path not printed"
for f in report.json report.html exits.csv hops.csv MANIFEST MANIFEST.sig; do
	[ -s "$D/pkg/$f" ] || fail "missing $f"
done
"$P" verify "$D/pkg" >/dev/null 2>&1 || fail "verify of a fresh package"
pk=$("$P" key show "$D/key" 2>/dev/null | grep -o '[0-9a-f]\{64\}' | head -1)
grep -q "\"pubkey\":\"$pk\"" "$D/pkg/report.json" || fail "signer key not in report.json"
printf 'x' >>"$D/pkg/exits.csv"
"$P" verify "$D/pkg" >"$D/v" 2>&1; [ $? = 1 ] || fail "tampered exits.csv must fail verify"
grep -q "exits.csv" "$D/v" || fail "tampered file not named: $(cat "$D/v")"

# A bad trace is refused with the field named, nothing signed.
sed 's/"value": 30000000/"value": 30000000.5/' "$T" >"$D/bad.json"
"$P" report "$D/bad.json" --out "$D/bad" 2>"$D/err"; [ $? = 2 ] || fail "bad trace must exit 2"
grep -q "value: not an amount" "$D/err" || fail "bad trace message: $(cat "$D/err")"

# Hostile label: inert in the page.
sed 's/"Exchange B"/"<script>alert(1)<\/script>"/g' "$T" >"$D/hostile.json"
"$P" report "$D/hostile.json" --out "$D/hpkg" -q >/dev/null || fail "hostile report"
grep -q "<script" "$D/hpkg/report.html" && fail "script tag in report.html"
grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$D/hpkg/report.html" || fail "label not escaped"

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "skip: chromium not installed"
	echo "e2e_report: ok"
	exit 0
fi
command -v pdftotext >/dev/null || fail "pdftotext (poppler-utils) missing"
print_pdf() { # html pdf log
	U=$(mktemp -d "$D/chrome.XXXXXX")
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$U" \
		--enable-logging=stderr --v=0 --no-pdf-header-footer \
		--print-to-pdf="$2" "file://$1" >"$3" 2>&1
	[ -s "$2" ] || fail "no PDF from chromium: $(tail -5 "$3")"
	if grep -E "Uncaught|CONSOLE|console\(" "$3" >/dev/null; then
		fail "console messages: $(grep -E 'Uncaught|CONSOLE|console\(' "$3")"
	fi
}
print_pdf "$D/pkg/report.html" "$D/report.pdf" "$D/chrome.log"
pdftotext -layout "$D/report.pdf" "$D/report.txt" || fail "pdftotext"
tr -s ' \n' ' ' <"$D/report.txt" >"$D/flat.txt"
# Long hex and addresses wrap inside table cells: compare them without spaces.
pdftotext "$D/report.pdf" - | tr -d ' \n' >"$D/packed.txt"
grep -q "Summary" "$D/flat.txt" || fail "no summary in the PDF"
grep -q "2.00000000 BTC left 2 victim outputs" "$D/flat.txt" || fail "summary text not in the PDF"
grep -q "How to verify this report" "$D/flat.txt" || fail "no verification section in the PDF"
grep -q "$pk" "$D/packed.txt" || fail "signer key not in the PDF"
n=0
for a in $(tail -n +2 "$D/hpkg/exits.csv" | cut -d, -f5); do
	n=$((n + 1))
	grep -q "$a" "$D/packed.txt" || fail "exit address $a not in the PDF"
done
[ "$n" = 4 ] || fail "expected 4 exit addresses, read $n"
print_pdf "$D/hpkg/report.html" "$D/hostile.pdf" "$D/chrome2.log"
pdftotext "$D/hostile.pdf" - | grep -q "<script>alert(1)</script>" || fail "hostile label not shown as text"
echo "e2e_report: ok"
