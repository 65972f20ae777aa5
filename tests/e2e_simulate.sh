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

"$P" help simulate | grep -q -- "--known" || fail "help lists options"
echo "e2e_simulate: ok"
