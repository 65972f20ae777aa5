#!/bin/sh
# End-to-end: `proceeds decode` from a file, a hex argument, stdin and a
# blk-framed record; --json validity; garbage and damage give exit 2 and one
# `proceeds: ...` line.
set -u
P=${PROCEEDS:?PROCEEDS must name the binary}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

json_ok() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool "$1" >/dev/null 2>&1
	elif command -v jq >/dev/null 2>&1; then
		jq . "$1" >/dev/null 2>&1
	else
		return 0
	fi
}

# A JSON field's value (first match), from pretty-printed output.
field() { sed -n "s/^ *\"$1\": \"*\([^\",]*\)\"*,*\$/\1/p" "$2" | head -n 1; }

# expect_fail NAME CMD...: exit 2 and exactly one "proceeds: " line.
expect_fail() {
	name=$1; shift
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	[ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$name: stderr is not one line"
	grep -q '^proceeds: ' "$T/err" || fail "$name: stderr lacks 'proceeds: '"
	[ -s "$T/out" ] && fail "$name: wrote to stdout"
	return 0
}

GENESIS=000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f
hex=$(tr -d ' \n' <data/genesis.hex)

"$P" decode data/genesis.hex >"$T/file.txt" || fail "decode file: exit $?"
grep -q "$GENESIS" "$T/file.txt" || fail "decode file: no block hash"
grep -q '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' "$T/file.txt" || fail "decode file: no address"
"$P" decode "$hex" >"$T/arg.txt" || fail "decode hex arg: exit $?"
cmp -s "$T/file.txt" "$T/arg.txt" || fail "decode hex arg differs from file"
# Pasted hex wrapped over lines, as one argument.
"$P" decode "$(printf '%s' "$hex" | fold -w 64)" >"$T/wrapped.txt" || fail "decode wrapped hex arg: exit $?"
cmp -s "$T/file.txt" "$T/wrapped.txt" || fail "decode wrapped hex arg differs from file"
"$P" decode <data/genesis.hex >"$T/stdin.txt" || fail "decode stdin: exit $?"
cmp -s "$T/file.txt" "$T/stdin.txt" || fail "decode stdin differs from file"
"$P" decode - <data/genesis.hex >"$T/dash.txt" || fail "decode -: exit $?"
cmp -s "$T/file.txt" "$T/dash.txt" || fail "decode - differs from file"

"$P" decode --json data/genesis.hex >"$T/g.json" || fail "decode --json: exit $?"
json_ok "$T/g.json" || fail "decode --json: invalid JSON"
[ "$(field hash "$T/g.json")" = "$GENESIS" ] || fail "decode --json: hash"
grep -q '"bip34_height"' "$T/g.json" && fail "version 1 block shows bip34_height"
[ "$(field n_tx "$T/g.json")" = 1 ] || fail "decode --json: n_tx"

# The coinbase alone, as a transaction (skip the 80-byte header + count).
txhex=$(printf '%s' "$hex" | cut -c 163-)
"$P" decode --json "$txhex" >"$T/tx.json" || fail "decode tx: exit $?"
json_ok "$T/tx.json" || fail "decode tx --json: invalid JSON"
[ "$(field txid "$T/tx.json")" = 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b ] ||
	fail "decode tx: txid"

expect_fail "garbage hex" "$P" decode zz
expect_fail "not a file nor hex" "$P" decode "$T/nonexistent"
printf 'garbage bytes, not a block' >"$T/garbage"
expect_fail "garbage file" "$P" decode "$T/garbage"
expect_fail "garbage stdin" "$P" decode <"$T/garbage"
expect_fail "odd hex" "$P" decode "${hex}0"
expect_fail "truncated block" "$P" decode "$(printf '%s' "$hex" | cut -c 1-300)"
expect_fail "block as --tx" "$P" decode --tx "$hex"
expect_fail "unknown option" "$P" decode --frobnicate "$hex"
# A blk record whose size field claims more than the file holds.
{ printf '\371\276\264\331\377\377\000\000'; printf 'abcdefgh'; } >"$T/bigsize"
expect_fail "blk size beyond the file" "$P" decode "$T/bigsize"
grep -q 'beyond' "$T/err" || fail "blk size beyond: reason not given"

SHARED=${PROCEEDS_SHARED:-../shared}
if [ -d "$SHARED/real/blocks" ]; then
	B1=$SHARED/real/blocks/mainnet/block1.raw
	"$P" decode --json "$B1" >"$T/b1.json" || fail "decode raw block: exit $?"
	json_ok "$T/b1.json" || fail "decode raw block: invalid JSON"
	[ "$(field hash "$T/b1.json")" = 00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048 ] ||
		fail "decode raw block: hash"
	# Frame it by hand: mainnet magic, size 215 (0xd7) little-endian.
	{ printf '\371\276\264\331\327\000\000\000'; cat "$B1"; } >"$T/b1.blk"
	"$P" decode --json "$T/b1.blk" >"$T/b1f.json" || fail "decode blk record: exit $?"
	cmp -s "$T/b1.json" "$T/b1f.json" || fail "blk record decodes differently"
	bzip2 -dc "$SHARED/real/blocks/mainnet/277647.dat.bz2" >"$T/277647.dat" ||
		fail "bzip2 -dc failed"
	"$P" decode --json "$T/277647.dat" >"$T/big.json" || fail "decode 277647: exit $?"
	json_ok "$T/big.json" || fail "decode 277647: invalid JSON"
	[ "$(field bip34_height "$T/big.json")" = 277647 ] || fail "decode 277647: bip34_height"
	[ "$(field merkle_ok "$T/big.json")" = true ] || fail "decode 277647: merkle"
	"$P" decode "$T/277647.dat" >/dev/null || fail "decode 277647 text: exit $?"
	head -c 100000 "$T/277647.dat" >"$T/cut.dat"
	expect_fail "truncated blk record" "$P" decode "$T/cut.dat"
else
	echo "skip: ../shared not found"
fi

[ "$fails" -eq 0 ] || { echo "e2e_decode: $fails failure(s)"; exit 1; }
echo "e2e_decode: ok"
