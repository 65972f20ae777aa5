#!/bin/sh
# proceeds trace end to end on real mainnet history (heights 0-4521): the
# block 9 coinbase, a tagged exit and a deposit address inferred from its
# sweep, byte-identical reruns, the result accepted by proceeds report,
# --update after the index grew, and bad input refused with exit 2.
set -u
P="$PROCEEDS"
S="${PROCEEDS_SHARED:-../shared}"
CHAIN="$S/real/chains/mainnet-0-4521"
if [ ! -d "$CHAIN" ]; then echo "skip: ../shared not found"; exit 0; fi
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
SEED=0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9:0

"$P" index -q --db "$D/db" --blocks "$CHAIN" --stop-height 300 || fail "index to 300"
# 1DUDsfc2... receives a16f3ce4:0 (tagged exit); 1BBz9Z15... receives the
# sweep a3b0e9e7 of 15NUwyBY... (block 496, after height 300).
printf '%s\n' '1DUDsfc23Dv9sPMEk5RsrtfzCw5ofi5sVW,Exchange Y,exchange,e2e list,high' \
	'1BBz9Z15YpELQ4QP5sEKb1SwxkcmPb5TMs,Exchange X,exchange,e2e list,high' >"$D/tags.csv"
"$P" tags import -q --db "$D/db" "$D/tags.csv" >/dev/null || fail "tags import"
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --out "$D/old" >"$D/table" ||
	fail "trace at 300"
grep -q "Exchange Y" "$D/table" || fail "tagged exit not in the table: $(cat "$D/table")"

"$P" index -q --db "$D/db" --blocks "$CHAIN" || fail "index to the end"
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --json >"$D/a.json" || fail "trace"
"$P" trace -q --db "$D/db" --from "$SEED" --min-sats 0 --json >"$D/b.json" || fail "trace again"
cmp -s "$D/a.json" "$D/b.json" || fail "two runs differ"
grep -q '"format": "proceeds-trace/1"' "$D/a.json" || fail "format"
grep -q '"evidence": "inferred: swept into Exchange X"' "$D/a.json" || fail "no inferred deposit"
grep -q '"sweep_txid": "a3b0e9e7cddbbe78270fa4182a7675ff00b92872d8df7d14265a2b1e379a9d33"' \
	"$D/a.json" || fail "sweep txid"
grep -q '"basis": "tagged"' "$D/a.json" || fail "no tagged exit"

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
grep -q "new exit  4385fcf8" "$D/up" || fail "update: new inferred exit: $(cat "$D/up")"

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
