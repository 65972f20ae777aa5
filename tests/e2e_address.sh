#!/bin/sh
# End-to-end: `proceeds address`: valid -> 0, invalid -> 1 with the reason,
# --json, and usage errors -> 2.
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

# run WANT_RC ARGS...: runs proceeds, checks the exit status.
run() {
	want=$1; shift
	"$P" "$@" >"$T/out" 2>"$T/err"; rc=$?
	[ "$rc" -eq "$want" ] || fail "proceeds $*: exit $rc, expected $want"
}

# invalid NET ADDR REASON: exit 1, one stderr line naming the reason.
invalid() {
	run 1 address --network "$1" "$2"
	grep -q "$3" "$T/err" || fail "$2 on $1: reason '$3' missing: $(cat "$T/err")"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$2: stderr is not one line"
	grep -q '^proceeds: ' "$T/err" || fail "$2: stderr lacks 'proceeds: '"
}

run 0 address 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa
grep -q p2pkh "$T/out" || fail "genesis address: type"
grep -q 76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac "$T/out" || fail "genesis address: script"
run 0 address BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4
grep -q 0014751e76e8199196d454941c45d1b3a323f1433bd6 "$T/out" || fail "bip173 p2wpkh: script"
run 0 address bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0
grep -q p2tr "$T/out" || fail "p2tr: type"
run 0 address --network testnet tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7
grep -q p2wsh "$T/out" || fail "testnet p2wsh: type"
run 0 address --network regtest bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9
run 0 address --network signet 2N1r7aC69VHeE7yQJPDLi9T1PYq4wnwvjuT
grep -q p2sh "$T/out" || fail "signet p2sh: type"

invalid main 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb "checksum mismatch"
invalid main 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0 "invalid base58 character"
invalid testnet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa "address of another network (main)"
invalid main tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7 "address of another network (testnet)"
invalid main bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx "bech32m required for witness v1"
invalid main bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh "bech32 required for witness v0"
invalid main tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7 "mixed case"
invalid testnet tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sb5k7 "invalid character"
invalid main bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 "checksum mismatch"
invalid main tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty "unknown network prefix 'tc'"

# Several operands: any invalid one makes the answer negative.
run 1 address 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb
run 0 address --json bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0
json_ok "$T/out" || fail "address --json: invalid JSON"
grep -q '"valid": true' "$T/out" || fail "address --json: valid"
grep -q '"witness_version": 1' "$T/out" || fail "address --json: witness_version"
grep -q '"encoding": "bech32m"' "$T/out" || fail "address --json: encoding"
run 1 address --json 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb
json_ok "$T/out" || fail "invalid address --json: invalid JSON"
grep -q '"valid": false' "$T/out" || fail "invalid address --json: valid false"
grep -q '"error": "checksum mismatch"' "$T/out" || fail "invalid address --json: error"

run 2 address
run 2 address --frobnicate 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa
run 2 address --network moon 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa

[ "$fails" -eq 0 ] || { echo "e2e_address: $fails failure(s)"; exit 1; }
echo "e2e_address: ok"
