#!/bin/sh
# proceeds scan over real blocks directories: counts and tip of the real
# chain, blk files in reverse order, a damaged tail, a wrong --network.
set -u
P="${PROCEEDS:?}"
S="${PROCEEDS_SHARED:-../shared}"
if [ ! -d "$S/real" ]; then
	echo "skip: ../shared not found"
	exit 0
fi
C="$S/real/chains"
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-scan-XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
check() { # what, expected, actual
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: expected '$2', got '$3'"
		fail=1
	fi
}
field() { # key, file: value of a "key  value" line of the summary
	sed -n "s/^$1  *\([^ ]*\).*/\1/p" "$2"
}

"$P" scan --blocks "$C/mainnet-0-4521" -q >"$T/out" 2>"$T/err"
check "4521 exit" 0 $?
check "4521 blocks" 4522 "$(field blocks "$T/out")"
check "4521 txs" 4583 "$(field transactions "$T/out")"
check "4521 tip" 00000000ac08f7d984f6b36027395e654a5f1e3bb006cd9df9c60b9897ea4c40 \
	"$(field tip "$T/out")"

"$P" scan --blocks "$C/mainnet-0-4521" --json >"$T/json" 2>/dev/null
check "json tip height" '"tip_height": 4521,' "$(grep -o '"tip_height": [0-9]*,' "$T/json")"

# heights 300-599 in blk00000.dat, 0-299 in blk00001.dat
mkdir "$T/rev" "$T/tail"
cp "$C/mainnet-0-599/blk00001.dat" "$T/rev/blk00000.dat"
cp "$C/mainnet-0-599/blk00000.dat" "$T/rev/blk00001.dat"
"$P" scan --blocks "$T/rev" --csv --per-block >"$T/out" 2>"$T/err"
check "reverse exit" 0 $?
check "reverse rows" 601 "$(wc -l <"$T/out" | tr -d ' ')"
check "reverse first" 0 "$(sed -n 2p "$T/out" | cut -d, -f1)"
check "reverse first file" 1 "$(sed -n 2p "$T/out" | cut -d, -f3)"
check "reverse last" 599 "$(sed -n 601p "$T/out" | cut -d, -f1)"

cp "$C/mainnet-0-599/blk00000.dat" "$T/tail/blk00000.dat"
cp "$C/truncated-tail-blk.dat" "$T/tail/blk00001.dat"
"$P" scan --blocks "$T/tail" >"$T/out" 2>"$T/err"
check "tail exit" 0 $?
check "tail blocks" 600 "$(field blocks "$T/out")"
check "tail warnings" 1 "$(grep -c 'warning' "$T/err")"
check "tail warning names file and offset" 1 \
	"$(grep -c 'warning: blk00001.dat: offset 70449: ' "$T/err")"
"$P" scan --blocks "$T/tail" -q >"$T/out" 2>"$T/err"
check "tail -q is silent" "" "$(cat "$T/err")"

"$P" scan --blocks "$C/mainnet-0-599" --network testnet >"$T/out" 2>"$T/err"
check "wrong network exit" 2 $?
check "wrong network message" 1 "$(grep -c 'magic f9beb4d9 is that of main, not testnet' "$T/err")"
"$P" scan --blocks "$C/mainnet-0-599" --network main -q >"$T/out" 2>&1
check "right network exit" 0 $?
"$P" scan --blocks "$T/nonexistent" >"$T/out" 2>"$T/err"
check "missing dir exit" 2 $?
"$P" scan >"$T/out" 2>"$T/err"
check "no --blocks exit" 2 $?

# a corrupt block (merkle mismatch) is an error naming file, offset, height
cp "$C/mainnet-0-599/blk00000.dat" "$T/bad.dat"
mkdir "$T/bad" && cp "$T/bad.dat" "$T/bad/blk00000.dat"
# change a byte of the coinbase of block 1 (record 2 starts at 8 + 285; byte 450 is in its output pubkey)
printf '\000' | dd of="$T/bad/blk00000.dat" bs=1 seek=450 conv=notrunc 2>/dev/null
"$P" scan --blocks "$T/bad" >"$T/out" 2>"$T/err"
check "corrupt exit" 2 $?
check "corrupt names file and height" 1 "$(grep -c 'blk00000.dat: offset .*: height 1: ' "$T/err")"
exit $fail
