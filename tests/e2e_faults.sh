#!/bin/sh
# Fault injection (docs/robustness.md): a full disk during `tags import`
# (a small tmpfs when this user may mount one, else `ulimit -f`) and during
# `report`; SIGKILL in the middle of an import; flipped bytes in a LevelDB
# table after an import; the evidence secret key never printed. Each fault
# must end in a one-line error and exit 2, with nothing already stored lost
# or silently changed. FAULTS_NO_TMPFS=1 forces the ulimit path.
set -u
P="$PROCEEDS"
D=$(mktemp -d)
MNT=
cleanup() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
A=1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa
B=34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo
N=30000

count() { "$P" tags stats --db "$1" --json 2>/dev/null | sed -n 's/^ *"tags": *\([0-9]*\).*/\1/p'; }
one_line_error() { # file: exactly one line, "proceeds: ..."
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^proceeds: ' "$1"
}
awk -v a=$A -v n=$N 'BEGIN { for (i = 0; i < n; i++)
	printf "%s,label %d,scam,fault-test,50\n", a, i }' >"$D/big.csv"

# --- 1. Full disk during tags import -----------------------------------
full_disk_import() { # db dir; the caller has limited the space
	"$P" tags import --db "$1" data/tags/sample.csv >/dev/null 2>&1 || fail "small import"
	"$P" tags import --db "$1" "$D/big.csv" >"$D/out" 2>"$D/err"
	rc=$?
	[ $rc = 2 ] || fail "import on a full disk exited $rc: $(cat "$D/err")"
	one_line_error "$D/err" || fail "full-disk error is not one line: $(cat "$D/err")"
}
mkdir -p "$D/mnt"
if [ -z "${FAULTS_NO_TMPFS:-}" ] && mount -t tmpfs -o size=384k tmpfs "$D/mnt" 2>/dev/null; then
	MNT=$D/mnt
	full_disk_import "$MNT/db"
	how="tmpfs of 384 KiB"
	# Nothing lost: a copy on a roomy disk opens with exactly the 3 tags.
	cp -r "$MNT/db" "$D/copy"
	umount "$MNT"; MNT=
	db=$D/copy
else
	# ulimit -f counts 512-byte blocks in dash; SIGXFSZ ignored so that
	# the write fails with EFBIG instead of killing the process.
	( ulimit -f 400; trap '' XFSZ; full_disk_import "$D/ul" ) || exit 1
	how="ulimit -f 400"
	db=$D/ul
fi
[ "$(count "$db")" = 3 ] || fail "after a full disk ($how): $(count "$db") tags, want 3"
"$P" tags show --db "$db" $B >/dev/null || fail "tags lost after a full disk ($how)"
echo "full disk during import ($how): $(cat "$D/err")"

# --- 2. Full disk while writing an evidence package --------------------
"$P" key new --out "$D/key" -q >"$D/pub" 2>&1 || fail "key new"
( ulimit -f 8; trap '' XFSZ
  exec "$P" report tests/data/trace-sample.json --out "$D/pkg" --key "$D/key" \
	>/dev/null 2>"$D/err" )
rc=$?
[ $rc = 2 ] || fail "report on a full disk exited $rc"
one_line_error "$D/err" || fail "report full-disk error: $(cat "$D/err")"
[ -f "$D/pkg/MANIFEST.sig" ] && fail "a partial package was signed"
"$P" verify "$D/pkg" >/dev/null 2>&1 && fail "a partial package verifies"
echo "full disk during report: $(cat "$D/err")"

# --- 3. SIGKILL during an import: all of the file or none of it ---------
"$P" tags import -q --db "$D/kill" data/tags/sample.csv >/dev/null 2>&1 || fail "kill setup"
whole=0 none=0
for delay in 0.05 0.1 0.2 0.3 0.5; do
	"$P" tags import -q --db "$D/kill" "$D/big.csv" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	c=$(count "$D/kill")
	case $c in
	3) none=$((none + 1)) ;;
	$((N + 3))) whole=$((whole + 1)) ;;
	*) fail "after SIGKILL at ${delay}s: $c tags (want 3 or $((N + 3)))" ;;
	esac
	"$P" tags show --db "$D/kill" $B >/dev/null || fail "tags lost after SIGKILL at ${delay}s"
done
echo "SIGKILL during import: 5 kills; $none before the commit (0 of $N tags), $whole after (all $N)"

# --- 4. A flipped byte in a LevelDB table: an error, never a change ----
"$P" tags import -q --db "$D/flip" data/tags/sample.csv >/dev/null 2>&1 || fail "flip setup"
"$P" tags stats --db "$D/flip" >/dev/null 2>&1   # reopening moves the log into a table
T=$(ls "$D/flip"/*.ldb | head -n 1)
[ -n "$T" ] || fail "no table file after reopening"
"$P" tags show --db "$D/flip" --json $A $B >"$D/ref" 2>&1
size=$(wc -c <"$T") tried=0 detected=0 same=0 STEP=7
[ -n "${FAULTS_LIGHT:-}" ] && STEP=29   # make check-valgrind: fewer runs
off=0
while [ $off -lt $size ]; do
	rm -rf "$D/f"; cp -r "$D/flip" "$D/f"
	t=$D/f/$(basename "$T")
	b=$(od -An -tu1 -j $off -N1 "$T" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 90)))" |
		dd of="$t" bs=1 seek=$off conv=notrunc 2>/dev/null
	"$P" tags show --db "$D/f" --json $A $B >"$D/out" 2>"$D/err"
	rc=$?
	tried=$((tried + 1))
	if [ $rc = 2 ]; then
		grep -Eq '^proceeds: .*(Corruption|[0-9]+\.ldb)' "$D/err" || fail "flip at $off: error without the cause: $(cat "$D/err")"
		detected=$((detected + 1))
	elif cmp -s "$D/out" "$D/ref"; then
		same=$((same + 1))   # a byte no query reads (index padding, filter)
	else
		fail "flip at offset $off of $(basename "$T") changed the answer silently (exit $rc)"
	fi
	# The file check finds every flip, read or not, and names the file
	# (a tags-only database has no chain index; the damage comes first).
	"$P" index --verify -q --db "$D/f" >/dev/null 2>"$D/err"
	rc=$?
	[ $rc = 1 ] && grep -q "^proceeds: $t: offset [0-9]*: " "$D/err" ||
		fail "flip at $off: index --verify exit $rc, file not named: $(cat "$D/err")"
	off=$((off + STEP))
done
echo "flipped table bytes: $tried tried, $detected detected (exit 2, cause named), $same unread, 0 silent; index --verify named the file for all $tried"

# --- 5. The secret key is never printed ---------------------------------
secret=$(grep -o '[0-9a-f]\{64\}' "$D/key" | head -n 1)
[ -n "$secret" ] || fail "no secret in the key file"
[ "$(stat -c %a "$D/key")" = 600 ] || fail "key file mode $(stat -c %a "$D/key")"
"$P" key show "$D/key" >"$D/o1" 2>&1
SOURCE_DATE_EPOCH=1700100000 "$P" report tests/data/trace-sample.json --out "$D/pkg2" \
	--key "$D/key" >"$D/o2" 2>&1 || fail "report: $(cat "$D/o2")"
cat "$D/pub" "$D/o1" "$D/o2" | grep -q "$secret" && fail "the secret key was printed"
grep -rq "$secret" "$D/pkg2" && fail "the secret key is in the package"
chmod 644 "$D/key"
"$P" key show "$D/key" >/dev/null 2>"$D/err"; [ $? = 2 ] || fail "a 0644 key must be refused"
grep -q "chmod 600" "$D/err" || fail "refusal does not say what to do: $(cat "$D/err")"
echo "e2e_faults: ok"
