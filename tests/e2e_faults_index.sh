#!/bin/sh
# Fault injection on the index (docs/robustness.md), on a simulated regtest
# chain so that it needs no ../shared: SIGKILL at 20 points spread over an
# uninterrupted run's duration, each state checked and resumed to the same
# `index --verify` digest; then flipped bytes across a table file, each
# detected by `index --verify` (exit 1, the damaged file and offset named).
# FAULTS_LIGHT=1 (set by make check-valgrind) runs fewer, smaller cases.
set -u
P="$PROCEEDS"
TXS=20000 KILLS=20 FLIPS=40
[ -n "${FAULTS_LIGHT:-}" ] && TXS=3000 KILLS=4 FLIPS=6
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
idx() { "$P" index -q --network regtest "$@"; }
digest() { idx --db "$1" --verify 2>/dev/null | sed -n 's/^digest *//p'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$P" simulate -q --out "$D/sim" --txs $TXS >/dev/null 2>&1 || fail "simulate"
B=$D/sim/blocks
t0=$(now_ms)
idx --db "$D/ref" --blocks "$B" --commit-txs 1 || fail "uninterrupted index"
run_ms=$(($(now_ms) - t0))
REF=$(digest "$D/ref")
[ -n "$REF" ] || fail "no digest"
tip=$(idx --db "$D/ref" --verify --json | sed -n 's/.*"tip_height": \([0-9]*\).*/\1/p')

# --- SIGKILL at 20 points ------------------------------------------------
mid=0 kills=0
for i in $(seq 1 $KILLS); do
	rm -rf "$D/k"
	# Not through idx(): the background job must be proceeds itself.
	"$P" index -q --network regtest --db "$D/k" --blocks "$B" --commit-txs 1 2>/dev/null &
	pid=$!
	sleep "$(awk -v i="$i" -v ms="$run_ms" -v k="$KILLS" 'BEGIN { printf "%.3f", ms * i / (k + 1) / 1000 }')"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	if [ -f "$D/k/CURRENT" ]; then
		out=$(idx --db "$D/k" --verify --json 2>"$D/err")
		rc=$?
		if [ $rc -ne 0 ]; then
			grep -q 'no index here' "$D/err" || fail "kill $i: state inconsistent: $(cat "$D/err") $out"
		fi
		h=$(printf '%s\n' "$out" | sed -n 's/.*"tip_height": \([0-9]*\).*/\1/p')
		[ -n "$h" ] && [ "$h" -gt 0 ] && [ "$h" -lt "$tip" ] && mid=$((mid + 1))
	fi
	idx --db "$D/k" --blocks "$B" || fail "kill $i: resume"
	[ "$(digest "$D/k")" = "$REF" ] || fail "kill $i: resumed digest differs"
done
[ $mid -gt 0 ] || [ -n "${FAULTS_LIGHT:-}" ] || fail "no SIGKILL landed mid-run (run took ${run_ms} ms)"
echo "SIGKILL: $KILLS points over ${run_ms} ms, $kills killed a live run, $mid mid-run; all resumed to digest $REF"

# --- Flipped bytes in a table file ---------------------------------------
# Every byte of a table lies in a checksummed block, its trailer or the
# footer, so every flip is found: exit 1 and one line naming the file and
# the offset of the block that holds the byte.
idx --db "$D/ref" --verify >/dev/null 2>&1   # reopened: everything in tables
T=$(ls -S "$D/ref"/*.ldb | head -n 1)
[ -n "$T" ] || fail "no table file"
size=$(wc -c <"$T")
name=$(basename "$T")
tried=0
for i in $(seq 0 $((FLIPS - 1))); do
	off=$((size * i / FLIPS + i))
	[ $i -eq $((FLIPS - 1)) ] && off=$((size - 20))   # the footer
	[ $off -lt "$size" ] || continue
	rm -rf "$D/f"; cp -r "$D/ref" "$D/f"
	t=$D/f/$name
	b=$(od -An -tu1 -j $off -N1 "$T" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 90)))" | dd of="$t" bs=1 seek=$off conv=notrunc 2>/dev/null
	idx --db "$D/f" --verify >"$D/out" 2>"$D/err"
	rc=$?
	tried=$((tried + 1))
	[ $rc -eq 1 ] || fail "flip at $off of $name: exit $rc, not 1: $(cat "$D/err")"
	[ "$(wc -l <"$D/err")" -eq 1 ] || fail "flip at $off: not one line: $(cat "$D/err")"
	at=$(sed -n "s|^proceeds: $D/f/$name: offset \([0-9]*\): .*|\1|p" "$D/err")
	[ -n "$at" ] || fail "flip at $off: the file is not named: $(cat "$D/err")"
	[ "$at" -le $off ] || fail "flip at $off: named offset $at is past it: $(cat "$D/err")"
done
cat "$D/err"
echo "flipped index bytes: $tried tried in a $size-byte table, $tried detected and named"

# A flipped byte in the MANIFEST: LevelDB refuses to open the database,
# and the error names the MANIFEST and the offset of the damaged record.
rm -rf "$D/f"; cp -r "$D/ref" "$D/f"
M=$(ls "$D/f"/MANIFEST-* | head -n 1)
off=$(($(wc -c <"$M") / 2))
b=$(od -An -tu1 -j $off -N1 "$M" | tr -d ' ')
printf "$(printf '\\%03o' $((b ^ 90)))" | dd of="$M" bs=1 seek=$off conv=notrunc 2>/dev/null
idx --db "$D/f" --verify >/dev/null 2>"$D/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$D/err")" -eq 1 ] && grep -q "^proceeds: $M: offset [0-9]*: " "$D/err" ||
	fail "flipped MANIFEST byte: exit $rc, not named: $(cat "$D/err")"
cat "$D/err"

# A clean index passes the file check too, and says so.
out=$(idx --db "$D/ref" --verify --json) || fail "clean index: verify failed"
printf '%s\n' "$out" | grep -q '"sound": true' || fail "clean index: files not reported sound: $out"
echo "e2e_faults_index: ok"
