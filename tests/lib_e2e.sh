# Shared by the end-to-end scripts that count failures and report at the
# end (sourced: `. "$(dirname "$0")/lib_e2e.sh"`, after T is set). Not a
# test itself: the Makefile runs tests/e2e_*.sh only.
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect RC CMD...: run, keep stdout+stderr in $T/out, check the exit status
expect() {
	want=$1; shift
	"$@" >"$T/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { fail "exit $got (want $want): $*"; sed 's/^/  | /' "$T/out"; }
}
has() { grep -q -- "$1" "$T/out" || { fail "output lacks '$1'"; sed 's/^/  | /' "$T/out"; }; }
lacks() { ! grep -q -- "$1" "$T/out" || { fail "output has '$1'"; sed 's/^/  | /' "$T/out"; }; }
