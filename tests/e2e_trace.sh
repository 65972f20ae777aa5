#!/bin/sh
# proceeds trace end to end on real mainnet history (heights 0-4521): the
# block 9 coinbase, a tagged exit, a consolidation into a tagged one-time
# address (that address is the exit: no sweep is claimed), a deposit
# address inferred from its sweep into a reused collecting address,
# byte-identical reruns, the result accepted by proceeds report,
# --update after the index grew, and bad input refused with exit 2.
set -u
P="$PROCEEDS"
S="${PROCEEDS_SHARED:-../shared}"
CHAIN="$S/real/chains/mainnet-0-4521"
if [ ! -d "$CHAIN" ]; then echo "skip: ../shared not found"; exit 0; fi
command -v jq >/dev/null 2>&1 || { echo "FAIL: jq not found (make deps)"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
SEED=0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9:0

"$P" index -q --db "$D/db" --blocks "$CHAIN" --stop-height 300 || fail "index to 300"
# 1DUDsfc2... receives a16f3ce4:0 (tagged exit); 1BBz9Z15... receives only
# a3b0e9e7:0, the consolidation of 15NUwyBY... and two other coins (block
# 496, after height 300): a one-time address, so a3b0e9e7:0 is the exit.
# 12higDjo... collects coinbases seven times (blocks 728-3645), as a hot
# wallet collects deposits: what it collects is inferred as deposits.
printf '%s\n' '1DUDsfc23Dv9sPMEk5RsrtfzCw5ofi5sVW,Exchange Y,exchange,e2e list,high' \
	'1BBz9Z15YpELQ4QP5sEKb1SwxkcmPb5TMs,Exchange X,exchange,e2e list,high' \
	'12higDjoCCNXSA95xZMWUdPvXNmkAduhWv,Exchange Z,exchange,e2e list,high' >"$D/tags.csv"
"$P" tags import -q --db "$D/db" "$D/tags.csv" >/dev/null || fail "tags import"
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --out "$D/old" >"$D/table" ||
	fail "trace at 300"
grep -q "Exchange Y" "$D/table" || fail "tagged exit not in the table: $(cat "$D/table")"

"$P" index -q --db "$D/db" --blocks "$CHAIN" || fail "index to the end"
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --json >"$D/a.json" || fail "trace"
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --json >"$D/b.json" || fail "trace again"
cmp -s "$D/a.json" "$D/b.json" || fail "two runs differ"
grep -q '"format": "proceeds-trace/1"' "$D/a.json" || fail "format"
grep -q '"basis": "tagged"' "$D/a.json" || fail "no tagged exit"
# The one-time tagged address is the exit; the coin paying it is followed.
jq -e '[.exits[] | select(.outpoint == "a3b0e9e7cddbbe78270fa4182a7675ff00b92872d8df7d14265a2b1e379a9d33:0" and .basis == "tagged" and .entity == "Exchange X")] | length == 1' \
	"$D/a.json" >/dev/null || fail "a3b0e9e7:0 not the tagged exit"
jq -e '[.hops[] | select(.outpoint == "4385fcf8b14497d0659adccfe06ae7e38e0b5dc95ff8a13d7c62035994a0cd79:0" and .status == "followed")] | length == 1' \
	"$D/a.json" >/dev/null || fail "4385fcf8:0 taken for a swept deposit"
grep -q '"basis": "inferred"' "$D/a.json" && fail "a sweep claimed into a one-time address"
# A coinbase collected into 12higDjo (90ff15e5, block 1056): a deposit.
"$P" trace -q --db "$D/db" --from 0b086abe2602f870a2d93ed496b0558d5fc349c4504eb0d474cc4ca99b4b1308:0 \
	--json >"$D/z.json" || fail "trace into Exchange Z"
grep -q '"evidence": "inferred: swept into Exchange Z"' "$D/z.json" || fail "no inferred deposit"
grep -q '"sweep_txid": "90ff15e5a80593977fb2f6666de2860584d39ebc3a41f65a0a1fdc3a851aefda"' \
	"$D/z.json" || fail "sweep txid"

# Without tags on the way, a3b0e9e7...:0 holds 11/61 of 61 BTC under haircut.
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --stop-at none --json >"$D/n.json" ||
	fail "trace without stops"
tr -d ' \n' <"$D/n.json" | grep -q '"outpoint":"a3b0e9e7cddbbe78270fa4182a7675ff00b92872d8df7d14265a2b1e379a9d33:0"[^}]*"haircut":1100000000,' ||
	fail "haircut share of a3b0e9e7:0"

# proceeds report accepts the trace (its input checks: types, networks, sums).
"$P" report "$D/a.json" --out "$D/pkg" -q >/dev/null 2>"$D/err" || fail "report: $(cat "$D/err")"
[ -s "$D/pkg/report.json" ] || fail "no report.json"

# --update: what moved since height 300.
"$P" trace --db "$D/db" --update "$D/old/trace.json" >"$D/up" || fail "update"
grep -q "Since height 300 (now 4521)" "$D/up" || fail "update header: $(cat "$D/up")"
grep -q "new exit  a3b0e9e7" "$D/up" || fail "update: new tagged exit: $(cat "$D/up")"

# Bad input: exit 2 with a clear line.
bad() { "$P" trace -q --db "$D/db" "$@" >/dev/null 2>"$D/err"; [ $? = 2 ] || fail "$* must exit 2"; }
bad --from 1111111111111111111111111111111111111111111111111111111111111111:0
grep -q "not in the index.*index tip: height 4521" "$D/err" || fail "unknown txid: $(cat "$D/err")"
bad --from mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn
grep -q "another network" "$D/err" || fail "wrong network: $(cat "$D/err")"
bad --from "$SEED" --after 2009-02-01
grep -q "already spent" "$D/err" || fail "spent before seed time: $(cat "$D/err")"
printf '{"payments":[{"txid":"%s","vout":0,"height":900000}]}\n' "${SEED%:0}" >"$D/case.json"
bad --case "$D/case.json"
grep -q "stale index" "$D/err" || fail "stale index: $(cat "$D/err")"
bad --from "$SEED=60"
grep -q "exceeds" "$D/err" || fail "amount above value: $(cat "$D/err")"
bad --from "$SEED" --model fifo,nonsense
echo "e2e_trace: ok"
