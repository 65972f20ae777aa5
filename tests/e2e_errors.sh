#!/bin/sh
# Error messages read whole: each one is compared in full with the text it
# must be, so that a garbled, doubled or cut reason fails (a reason once
# came out as "freeze/x.json: freeze/x.json: rk 'regtest', ...": it was
# formatted into the buffer it was read from). And a new watchlist takes
# its network from the package it is given, records it, and screens with
# it. Env: PROCEEDS = the binary. Run from the checkout.
set -u
P=${PROCEEDS:?PROCEEDS not set}
MAINTRACE=tests/data/trace-share.json
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-errors.XXXXXX")
trap 'rm -rf "$T"' EXIT
HOME=$T/home; export HOME
mkdir -p "$HOME"
unset PROCEEDS_KEY PROCEEDS_DB
. "$(dirname "$0")/lib_e2e.sh"

# errline RC WANT CMD...: exits RC and stderr is exactly the line WANT.
errline() {
	want_rc=$1 want=$2; shift 2
	"$@" >"$T/stdout" 2>"$T/err"
	got=$?
	[ "$got" = "$want_rc" ] || fail "exit $got (want $want_rc): $*"
	[ "$(cat "$T/err")" = "$want" ] || {
		fail "stderr of: $*"
		echo "  want | $want"
		sed 's/^/  got  | /' "$T/err"
	}
}

# --- a signed regtest package, made as an investigator makes one
step() { "$@" >/dev/null 2>"$T/err" || { echo "FAIL: $*"; cat "$T/err"; exit 1; }; }
step "$P" simulate -q --out "$T/sim" --seed 3 --txs 800
step "$P" index -q --network regtest --db "$T/idx" --blocks "$T/sim/blocks"
step "$P" tags import -q --network regtest --db "$T/idx" "$T/sim/tags.csv"
"$P" trace -q --network regtest --db "$T/idx" --case "$T/sim/case.json" \
	--min-sats 0 --json >"$T/trace.json" 2>"$T/err" || { echo "FAIL: trace"; exit 1; }
step "$P" share -q "$T/trace.json" --out "$T/pkg" --case-ref C-1
step "$P" key new -q --out "$T/k"
step "$P" key sign -q "$T/pkg" --key "$T/k"
FIRST=$(cd "$T/pkg" && ls freeze/*.json | head -n 1)
ADDR=$(grep -o '"address": *"[^"]*"' "$T/pkg/$FIRST" | head -n 1 | sed 's/.*: *"//; s/"$//')
[ -n "$FIRST" ] && [ -n "$ADDR" ] || { echo "FAIL: no freeze request with an address"; exit 1; }
REG="the file is for network 'regtest', the watchlist for 'main' (pass --network)"

# --- a watchlist of main refuses the package, naming the file, in one line
expect 0 "$P" watchlist add "$MAINTRACE" --trust-unsigned --db "$T/main"
has "a new watchlist, for network 'main'"
errline 2 "proceeds: $T/pkg: $FIRST: $REG" \
	"$P" watchlist add "$T/pkg" --db "$T/main"
errline 2 "proceeds: $T/pkg/$FIRST: $REG" \
	"$P" watchlist add "$T/pkg/$FIRST" --db "$T/main"
errline 2 "proceeds: $T/main: the watchlist is for network 'main', not 'regtest'" \
	"$P" watchlist add "$T/pkg" --db "$T/main" --network regtest
expect 0 "$P" watchlist stats --db "$T/main"
has "entries    3"

# --- a new watchlist takes the package's network, and check screens with it
expect 0 "$P" watchlist add "$T/pkg" --db "$T/new"
has "^proceeds: $T/pkg: [0-9]* entr[a-z]* (signature verified)$"
has "^proceeds: $T/new: a new watchlist, for network 'regtest'$"
expect 1 "$P" check --network regtest --db "$T/new" "$ADDR"
has "^MATCH  $ADDR  case C-1  amount "
expect 0 "$P" watchlist add "$T/pkg" --db "$T/new"
lacks "a new watchlist"
# check reads addresses on the watchlist's recorded network
expect 1 "$P" check --db "$T/new" "$ADDR"
has "^MATCH  $ADDR  case C-1  amount "
errline 2 "proceeds: $T/new: no usable watchlist: the watchlist is for network 'regtest', not 'main'" \
	"$P" check --db "$T/new" --network main "$ADDR"
errline 2 "proceeds: $MAINTRACE: the file is for network 'main', the watchlist for 'regtest' (pass --network)" \
	"$P" watchlist add "$MAINTRACE" --trust-unsigned --db "$T/new"
errline 2 "proceeds: $T/new: the watchlist is for network 'regtest', not 'main'" \
	"$P" watchlist add "$MAINTRACE" --trust-unsigned --db "$T/new" --network main

# --- without --db, the new watchlist is the package network's database
expect 0 "$P" watchlist add "$T/pkg"
has "^proceeds: $HOME/.proceeds/regtest: a new watchlist, for network 'regtest'$"
[ -e "$HOME/.proceeds/main" ] && fail "a regtest watchlist went to ~/.proceeds/main"
expect 1 "$P" check --network regtest "$ADDR"
has "^MATCH  $ADDR  case C-1"
# ... unless that database records another network
HOME=$T/home2
"$P" watchlist add "$MAINTRACE" --trust-unsigned -q \
	--db "$HOME/.proceeds/regtest" || fail "main watchlist in home2"
errline 2 "proceeds: $HOME/.proceeds/regtest: the watchlist is for network 'main', the entries for 'regtest'" \
	"$P" watchlist add "$T/pkg" -q
HOME=$T/home

# --- a database with keys but no record (here an index) is of --network
errline 2 "proceeds: $T/pkg: $FIRST: $REG" \
	"$P" watchlist add "$T/pkg" --db "$T/idx"
expect 0 "$P" watchlist add "$T/pkg" --db "$T/idx" --network regtest
lacks "a new watchlist"
expect 0 "$P" watchlist add "$T/pkg" --db "$T/idx"
expect 1 "$P" check --network regtest --db "$T/idx" "$ADDR"

# --- other refusals of watchlist add, whole
printf 'address,label\n%s,x\n' "$ADDR" >"$T/tags.csv"
errline 2 "proceeds: $T/tags.csv: refused: not signed (no MANIFEST.sig); check where it came from, then pass --trust-unsigned" \
	"$P" watchlist add "$T/tags.csv" --db "$T/new"
errline 2 "proceeds: watchlist add: unknown option '--bogus'" \
	"$P" watchlist add "$T/pkg" --bogus --db "$T/new"

[ "$fails" = 0 ] && echo "e2e_errors: ok"
[ "$fails" = 0 ]
