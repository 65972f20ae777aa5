#!/bin/sh
# The local Ethereum node of the account-chain tests (tests/eth/node.sh,
# Hardhat pinned by package-lock.json, installed by `make deps`) starts on
# 127.0.0.1, answers the calls the Ethereum indexer will make, and stops.
# The calls go through curl: proceeds' JSON-RPC client (chain/rpc.c) sends
# Bitcoin Core's "jsonrpc":"1.0", which Hardhat refuses ("Invalid request",
# -32600, checked below), and insists on credentials an Ethereum node does
# not have; reshaping the client is the indexer's work (docs/ethereum.md).
# Skips, saying why, when node/npm or Hardhat are absent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if ! reason=$(sh "$here/eth/node.sh" check); then
	echo "skip: $reason"
	exit 0
fi
for tool in curl jq; do
	command -v $tool >/dev/null 2>&1 || { echo "FAIL: $tool not installed (make deps)"; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-ethnode.XXXXXX")
trap 'sh "$here/eth/node.sh" stop "$T/node"; rm -rf "$T"' EXIT
. "$here/lib_e2e.sh"

url=$(sh "$here/eth/node.sh" start "$T/node") || { echo "FAIL: the node did not start"; exit 1; }

# rpc METHOD PARAMS-JSON: the result, compact, or "ERROR <message>".
rpc() {
	curl -s -m 30 -H 'content-type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$url" |
		jq -c 'if has("result") then .result else "ERROR \(.error.message)" end'
}
# same WHAT GOT WANT
same() { [ "$2" = "$3" ] || fail "$1: got $2, want $3"; }

# Hardhat's chain id, 31337.
same eth_chainId "$(rpc eth_chainId '[]')" '"0x7a69"'
same eth_blockNumber "$(rpc eth_blockNumber '[]')" '"0x0"'

# The genesis block with full transactions: number 0, no transactions,
# a 32-byte hash and a parent of zeros.
rpc eth_getBlockByNumber '["0x0", true]' >"$T/genesis"
same "genesis number" "$(jq -r .number "$T/genesis")" 0x0
same "genesis transactions" "$(jq -c .transactions "$T/genesis")" '[]'
jq -r .hash "$T/genesis" | grep -Eq '^0x[0-9a-f]{64}$' || fail "genesis hash: $(jq -r .hash "$T/genesis")"
same "genesis parent" "$(jq -r .parentHash "$T/genesis")" "0x$(printf '%064d' 0)"

# The preset accounts: the first is the mnemonic's first key
# (tests/test_ethaddr.c derives the same address from its private key),
# with 10000 ETH = 0x21e19e0c9bab2400000 wei, an opening balance that no
# transaction created. An address the node never funded holds nothing.
first=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
same "accounts[0]" "$(rpc eth_accounts '[]' | jq -r '.[0]')" "$first"
same "accounts" "$(rpc eth_accounts '[]' | jq length)" 20
same "balance of $first" "$(rpc eth_getBalance "[\"$first\", \"latest\"]")" '"0x21e19e0c9bab2400000"'
same "balance at genesis" "$(rpc eth_getBalance "[\"$first\", \"0x0\"]")" '"0x21e19e0c9bab2400000"'
same "balance of a stranger" \
	"$(rpc eth_getBalance '["0x7e5f4552091a69125d5dfcb7b8c2659029395bdf", "latest"]')" '"0x0"'

# A transfer between two preset accounts mines a block (automine) and
# moves exactly its value.
second=$(rpc eth_accounts '[]' | jq -r '.[1]')
tx=$(rpc eth_sendTransaction "[{\"from\":\"$first\",\"to\":\"$second\",\"value\":\"0xde0b6b3a7640000\"}]")
echo "$tx" | grep -Eq '^"0x[0-9a-f]{64}"$' || fail "eth_sendTransaction: $tx"
same "block after a transfer" "$(rpc eth_blockNumber '[]')" '"0x1"'
same "receipt status" "$(rpc eth_getTransactionReceipt "[$tx]" | jq -r .status)" 0x1
same "receiver's balance" "$(rpc eth_getBalance "[\"$second\", \"latest\"]")" '"0x21e27c1806e59a40000"'

# What proceeds' own client would meet today: a 1.0 request is refused.
v1=$(curl -s -m 30 -H 'content-type: application/json' \
	-d '{"jsonrpc":"1.0","id":1,"method":"eth_chainId","params":[]}' "$url" | jq -c .error.code)
same "a jsonrpc 1.0 request" "$v1" -32600

sh "$here/eth/node.sh" stop "$T/node"
curl -s -m 2 "$url" >/dev/null 2>&1 && fail "the node still answers after stop"
[ $fails = 0 ] || { echo "e2e_ethnode: $fails failure(s)"; exit 1; }
echo "e2e_ethnode: ok"
