#!/bin/sh
# proceeds simulate from the command line: outputs, determinism, refusals,
# and a write failure (file size limit, as a full disk) leaving nothing.
set -u
P="${PROCEEDS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$P" simulate --out "$T/x" --scenario bogus -q 2>"$T/err"
[ $? -eq 2 ] || fail "unknown scenario must exit 2"
grep -q "unknown scenario 'bogus'" "$T/err" || fail "unknown scenario message"
[ ! -e "$T/x" ] || fail "unknown scenario left output"

"$P" simulate --out "$T/a" --txs 1500 --seed 5 -q || fail "simulate"
for f in blocks/blk00000.dat truth.json tags.csv case.json \
	 exchange-bitnova-deposits.csv exchange-coinquay-deposits.csv; do
	[ -s "$T/a/$f" ] || fail "missing $f"
done
head -1 "$T/a/tags.csv" | grep -qx "address,label,category,source,confidence" || fail "tags header"
grep -q ',Bitnova,exchange,' "$T/a/tags.csv" || fail "hot wallet tag"

"$P" simulate --out "$T/b" --txs 1500 --seed 5 -q || fail "simulate b"
diff -r "$T/a" "$T/b" >/dev/null || fail "same seed, different output"

"$P" simulate --out "$T/a" --txs 1500 --seed 6 -q 2>"$T/err"
[ $? -eq 2 ] || fail "a folder holding a chain must be refused"
grep -q -- "--force" "$T/err" || fail "refusal names --force"
diff -r "$T/a" "$T/b" >/dev/null || fail "refused run changed the folder"
"$P" simulate --out "$T/a" --txs 1500 --seed 6 --force -q || fail "--force"
diff -r "$T/a" "$T/b" >/dev/null && fail "--force did not replace"

"$P" simulate --out "$T/blk" --blocks 120 --scenario none --json -q >"$T/j" || fail "--blocks"
grep -q '"blocks": 120' "$T/j" || fail "--blocks 120 gave $(cat "$T/j")"
[ ! -e "$T/blk/case.json" ] || fail "no scenario, no case.json"

# A write failure half way (ulimit -f, as a full disk): exit 2, nothing left.
( trap '' XFSZ; ulimit -f 256; "$P" simulate --out "$T/full" --txs 20000 -q 2>"$T/err" )
rc=$?
[ $rc -eq 2 ] || fail "write failure must exit 2 (got $rc)"
[ ! -e "$T/full" ] || fail "write failure left $T/full"
ls -a "$T" | grep -q 'tmp-' && fail "write failure left a temporary folder"
grep -q "proceeds: simulate:" "$T/err" || fail "write failure message: $(cat "$T/err")"

# proceeds scan reads every generated chain: one blk file, and several.
for d in a blk; do
	"$P" scan --blocks "$T/$d/blocks" --json -q >"$T/scan.json" || fail "scan $d"
	txs=$(sed -n 's/^  "transactions": \([0-9]*\).*/\1/p' "$T/scan.json")
	want=$(sed -n 's/^  "transactions": \([0-9]*\).*/\1/p' "$T/$d/truth.json")
	[ -n "$txs" ] && [ "$txs" = "$want" ] || fail "scan $d: $txs transactions, truth $want"
	grep -q '"network": "regtest"' "$T/scan.json" || fail "scan $d network"
done
"$P" simulate --out "$T/multi" --txs 6000 --file-size 1048576 -q || fail "multi"
[ -s "$T/multi/blocks/blk00001.dat" ] || fail "no rollover at --file-size"
"$P" scan --blocks "$T/multi/blocks" --json -q >"$T/scan.json" || fail "scan multi"
txs=$(sed -n 's/^  "transactions": \([0-9]*\).*/\1/p' "$T/scan.json")
want=$(sed -n 's/^  "transactions": \([0-9]*\).*/\1/p' "$T/multi/truth.json")
[ "$txs" = "$want" ] || fail "scan multi: $txs transactions, truth $want"

# Every network: its real genesis block, then blocks the scanner accepts.
for n in main testnet testnet4 signet regtest; do
	"$P" simulate --network "$n" --out "$T/net-$n" --blocks 3 --scenario none -q || fail "network $n"
	"$P" scan --blocks "$T/net-$n/blocks" --json -q >"$T/scan.json" || fail "scan $n"
	grep -q "\"network\": \"$n\"" "$T/scan.json" || fail "scan $n: wrong network"
	grep -q '"blocks": 4' "$T/scan.json" || fail "scan $n: not 4 blocks"
done

# Eras: 2017 has no taproot and more legacy outputs than 2024; --stats.
"$P" simulate --out "$T/e17" --txs 3000 --profile 2017 --stats --fast-sigs -q >"$T/s17" || fail "2017"
"$P" simulate --out "$T/e24" --txs 3000 --profile 2024 --stats --fast-sigs -q >"$T/s24" || fail "2024"
grep -q "p2tr 0.0%" "$T/s17" || fail "2017 has taproot outputs: $(cat "$T/s17")"
pk() { sed -n 's/.*p2pkh \([0-9.]*\)%.*/\1/p' "$1"; }
awk -v a="$(pk "$T/s17")" -v b="$(pk "$T/s24")" 'BEGIN { exit !(a > 2 * b) }' || fail "2017 p2pkh $(pk "$T/s17")% not > 2x 2024's $(pk "$T/s24")%"
for k in "mean inputs" "mean outputs" "address reuse" "coinjoins"; do
	grep -q "^$k" "$T/s24" || fail "--stats lacks $k"
done
"$P" simulate --out "$T/e99" --profile 1999 -q 2>/dev/null
[ $? -eq 2 ] || fail "bad --profile must exit 2"
# Several crimes: one case file each, case.json the first.
"$P" simulate --out "$T/multi2" --txs 5000 --scenario scam,exchange-hack --fast-sigs -q || fail "scam,exchange-hack"
for f in case.json case-scam.json case-exchange-hack.json; do [ -s "$T/multi2/$f" ] || fail "missing $f"; done
cmp -s "$T/multi2/case.json" "$T/multi2/case-scam.json" || fail "case.json is not the first crime's"
grep -q '"crime": "exchange-hack"' "$T/multi2/case-exchange-hack.json" || fail "hack case file"
"$P" simulate --out "$T/dup" --scenario scam,scam -q 2>"$T/err"
[ $? -eq 2 ] && grep -q "given twice" "$T/err" || fail "a scenario given twice must be refused"

# A forked, obfuscated chain with rev files: scan follows the most-work
# branch (the plain run's tip), index --verify gives the plain digest.
"$P" simulate --out "$T/fp" --txs 2500 --seed 8 --fast-sigs -q || fail "plain"
"$P" simulate --out "$T/ff" --txs 2500 --seed 8 --fast-sigs --forks 4 --xor --rev -q || fail "forked"
[ -s "$T/ff/blocks/xor.dat" ] && [ -s "$T/ff/blocks/rev00000.dat" ] || fail "no xor.dat or rev file"
cmp -s "$T/fp/blocks/blk00000.dat" "$T/ff/blocks/blk00000.dat" && fail "--xor/--forks did not change the blk file"
"$P" scan --blocks "$T/fp/blocks" --json -q >"$T/sp" || fail "scan plain"
"$P" scan --blocks "$T/ff/blocks" --json -q >"$T/sf" || fail "scan forked"
tip() { sed -n 's/^  "tip_hash": "\([0-9a-f]*\)".*/\1/p' "$1"; }
[ -n "$(tip "$T/sp")" ] && [ "$(tip "$T/sp")" = "$(tip "$T/sf")" ] || fail "forked chain scans to another tip"
txs=$(sed -n 's/^  "transactions": \([0-9]*\).*/\1/p' "$T/sf")
[ "$txs" = "$(sed -n 's/^  "transactions": \([0-9]*\).*/\1/p' "$T/ff/truth.json")" ] || fail "forked scan: $txs transactions"
stale=$(sed -n 's/^  "stale_blocks": \([0-9]*\).*/\1/p' "$T/ff/truth.json")
[ "${stale:-0}" -ge 4 ] || fail "truth stale_blocks ${stale:-none}"
"$P" scan --blocks "$T/ff/blocks" -q 2>&1 | grep -q "stale $stale," || fail "scan does not see $stale stale blocks"
for d in fp ff; do
	"$P" index --network regtest --db "$T/$d/db" --blocks "$T/$d/blocks" --verify >"$T/$d.v" 2>&1 || fail "index $d"
done
dp=$(sed -n 's/^digest *//p' "$T/fp.v" | head -1)
[ -n "$dp" ] && [ "$dp" = "$(sed -n 's/^digest *//p' "$T/ff.v" | head -1)" ] || fail "index digests differ"

"$P" help simulate | grep -q -- "--known" || fail "help lists options"
echo "e2e_simulate: ok"
