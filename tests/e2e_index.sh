#!/bin/sh
# proceeds index on real mainnet history (heights 0-4521): the same --verify
# digest for an uninterrupted run, a run in two halves and a run killed with
# SIGKILL again and again; queries; a corrupt block, a full disk and a
# second process on the same database.
set -u
P=${PROCEEDS:?}
SH=${PROCEEDS_SHARED:-../shared}
CHAIN=$SH/real/chains/mainnet-0-4521
if [ ! -d "$CHAIN" ]; then echo "skip: ../shared not found"; exit 0; fi
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-index.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
digest() { "$P" index -q --db "$1" --verify | sed -n 's/^digest *//p'; }

# (a) uninterrupted
"$P" index -q --db "$T/a" --blocks "$CHAIN" || bad "full index"
A=$(digest "$T/a")
[ -n "$A" ] || bad "no digest"
"$P" index -q --db "$T/a" --verify --json | grep -q '"consistent": true' || bad "full index inconsistent"
"$P" index -q --db "$T/a" --verify --json | grep -q '"tip_height": 4521' || bad "tip not 4521"

# (c) two halves (incremental)
"$P" index -q --db "$T/c" --blocks "$CHAIN" --stop-height 2000 || bad "first half"
"$P" index -q --db "$T/c" --verify --json | grep -q '"tip_height": 2000' || bad "first half tip"
"$P" index -q --db "$T/c" --blocks "$CHAIN" || bad "second half"
[ "$(digest "$T/c")" = "$A" ] || bad "two halves digest differs"

# (b) SIGKILL at several points, each state consistent, then resumed.
# The kill is timed by the database's growth, not by the clock, so that it
# lands mid-run on a fast, a slow (sanitizer) or a loaded machine alike:
# each round waits until the run has committed more than the last round
# saw (the amount grows each round), then kills.
dbsize() { du -sb "$T/b" 2>/dev/null | cut -f1; }
mid=0
for i in $(seq 1 15); do
	start=$(dbsize); start=${start:-0}
	"$P" index -q --db "$T/b" --blocks "$CHAIN" --commit-txs 1 &
	pid=$!
	n=0
	while [ $n -lt 1000 ] && kill -0 $pid 2>/dev/null; do
		cur=$(dbsize)
		[ "${cur:-0}" -gt $((start + 20000 * i)) ] && break
		sleep 0.01
		n=$((n + 1))
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	[ -f "$T/b/CURRENT" ] || continue
	# A kill before the first commit leaves an empty database.
	out=$("$P" index -q --db "$T/b" --verify --json 2>"$T/err") ||
		grep -q 'no index here' "$T/err" || bad "killed state $i inconsistent"
	h=$(printf '%s\n' "$out" | sed -n 's/.*"tip_height": \([0-9]*\).*/\1/p')
	[ -n "$h" ] && [ "$h" -gt 0 ] && [ "$h" -lt 4521 ] && [ "$rc" -ne 0 ] && mid=$((mid + 1))
	[ "$rc" -eq 0 ] && break
	[ "$mid" -ge 5 ] && break
done
[ "$mid" -gt 0 ] || bad "no SIGKILL landed in the middle of a run"
"$P" index -q --db "$T/b" --blocks "$CHAIN" || bad "resume after kills"
[ "$(digest "$T/b")" = "$A" ] || bad "killed+resumed digest differs"
echo "index: $mid kill(s) mid-run, digest $A"

# Queries: Satoshi's block 9 coinbase address paid Hal Finney 10 BTC in
# block 170 and got 40 BTC change.
HAL=f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16
out=$("$P" address --db "$T/a" --json 12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S) || bad "address query"
printf '%s\n' "$out" | grep -q "\"txid\": \"$HAL\"" || bad "history lacks block 170 tx"
printf '%s\n' "$out" | grep -q '"value": 4000000000' || bad "history lacks 40 BTC change"
printf '%s\n' "$out" | grep -q '"first_seen_height": 9' || bad "first seen not 9"
out=$("$P" outpoint --db "$T/a" --json "$HAL:0") || bad "outpoint query"
printf '%s\n' "$out" | grep -q '"address": "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3"' || bad "Hal's address"
printf '%s\n' "$out" | grep -q '"value": 1000000000' || bad "10 BTC"
out=$("$P" outpoint --db "$T/a" --json 0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9:0)
printf '%s\n' "$out" | grep -q "\"txid\": \"$HAL\"" || bad "block 9 coinbase not spent by $HAL"
"$P" tx --db "$T/a" --json $HAL | grep -q '"fee": 0' || bad "tx query"
"$P" block --db "$T/a" --json 170 | grep -q "$HAL" || bad "block 170 lacks $HAL"
"$P" block --db "$T/a" 00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee | grep -q '^height *170' || bad "block by hash"
"$P" tx --db "$T/a" 0000000000000000000000000000000000000000000000000000000000000001 2>/dev/null
[ $? -eq 1 ] || bad "unknown tx not exit 1"

# A blocks directory whose best chain ends 71 blocks below the tip: those
# are disconnected (as in a reorg) and the index equals one built to 4450;
# a chain lacking 101+ of its blocks is refused as a wrong directory.
off=$("$P" scan --blocks "$CHAIN" --per-block --csv | awk -F, '$1 == 4451 { print $4 - 8 }')
mkdir -p "$T/short" "$T/tiny"
head -c "$off" "$CHAIN/blk00000.dat" > "$T/short/blk00000.dat"
head -c 100000 "$CHAIN/blk00000.dat" > "$T/tiny/blk00000.dat"
cp -r "$T/a" "$T/g"
"$P" index -q --db "$T/g" --blocks "$T/tiny" 2>"$T/err" && bad "deep fork accepted"
grep -q 'refusing to disconnect' "$T/err" || bad "deep fork message"
"$P" index -q --db "$T/g" --blocks "$T/short" || bad "shallow reorg"
"$P" index -q --db "$T/h" --blocks "$CHAIN" --stop-height 4450 || bad "index to 4450"
[ "$(digest "$T/g")" = "$(digest "$T/h")" ] || bad "disconnected index differs from one built to 4450"

# A corrupt block mid-file (a byte of block 2000's coinbase): a clear error
# naming file and offset, and the index at block 1999.
mkdir -p "$T/bad"
cp "$CHAIN/blk00000.dat" "$T/bad/"
chmod u+w "$T/bad/blk00000.dat"
printf '\377' | dd of="$T/bad/blk00000.dat" bs=1 seek=463630 conv=notrunc 2>/dev/null
"$P" index -q --db "$T/d" --blocks "$T/bad" 2>"$T/err"
[ $? -eq 2 ] || bad "corrupt block: exit not 2"
grep -q 'blk00000.dat offset 463480 (height 2000)' "$T/err" || { bad "corrupt block message"; cat "$T/err"; }
"$P" index -q --db "$T/d" --verify --json | grep -q '"tip_height": 1999' || bad "corrupt block: tip not 1999"

# A full disk (writes fail: file size limit): a clear error, and the index
# still consistent at its last good tip.
( trap '' XFSZ; ulimit -f 600; "$P" index -q --db "$T/e" --blocks "$CHAIN" --commit-txs 50 2>"$T/err" )
rc=$?
if [ $rc -eq 0 ]; then bad "full disk: no error"; fi
grep -q '^proceeds: index: .*last good tip' "$T/err" || { bad "full disk message"; cat "$T/err"; }
"$P" index -q --db "$T/e" --verify >/dev/null || bad "full disk: index inconsistent"
"$P" index -q --db "$T/e" --blocks "$CHAIN" || bad "full disk: resume"
[ "$(digest "$T/e")" = "$A" ] || bad "full disk: resumed digest differs"

# A simulated regtest economy (proceeds simulate): one run and two halves
# agree, and every link checks out.
"$P" simulate -q --out "$T/sim" --txs 20000 >/dev/null || bad "simulate"
"$P" index -q --network regtest --db "$T/s1" --blocks "$T/sim/blocks" || bad "index sim"
"$P" index -q --network regtest --db "$T/s2" --blocks "$T/sim/blocks" --stop-height 120 || bad "index sim half"
"$P" index -q --network regtest --db "$T/s2" --blocks "$T/sim/blocks" || bad "index sim rest"
S1=$("$P" index -q --network regtest --db "$T/s1" --verify | sed -n 's/^digest *//p')
S2=$("$P" index -q --network regtest --db "$T/s2" --verify | sed -n 's/^digest *//p')
[ -n "$S1" ] && [ "$S1" = "$S2" ] || bad "simulated chain digests differ"

# A second process on the same database: LevelDB's lock, a clear message.
"$P" index -q --db "$T/f" --blocks "$CHAIN" --commit-txs 1 &
pid=$!
# Start the second only once the first holds the lock (LOCK exists once it
# has opened the database; under valgrind that takes seconds, not ms).
n=0
while [ ! -e "$T/f/LOCK" ] && kill -0 $pid 2>/dev/null && [ $n -lt 600 ]; do
	sleep 0.05; n=$((n + 1))
done
sleep 0.1
"$P" index -q --db "$T/f" --blocks "$CHAIN" 2>"$T/err"
rc=$?
if kill -0 $pid 2>/dev/null; then
	[ $rc -eq 2 ] || bad "second process: exit $rc"
	grep -q 'in use by another proceeds process' "$T/err" || { bad "lock message"; cat "$T/err"; }
else
	echo "note: the first index run ended before the second started"
fi
wait $pid || bad "first process failed"
exit $fail
