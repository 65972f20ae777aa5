#!/bin/sh
# The include rules between rooms (lint/rooms.sh, HACKING.md "Rooms")
# hold on this tree, and they can fail: a copy of the tree where a graph/
# file includes an evidence header, a chain/ file includes a graph header,
# the tracer includes the simulator, or a library file prints, is refused
# with the file and line named.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-rooms.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

sh lint/rooms.sh >"$T/out" 2>&1 || { bad "the tree breaks its include rules"; cat "$T/out"; }

# A copy holding only the rooms and the map (no git: the checker walks it).
copy() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree"
	cp -r chain tags graph tracer evidence screen sim cli include lint "$T/tree/"
}
# inject FILE LINE: adds LINE after the first #include of FILE in the copy.
inject() {
	sed -i "0,/^#include/s||$2\n&|" "$T/tree/$1"
}
refused() {
	sh lint/rooms.sh "$T/tree" >"$T/out" 2>&1 && { bad "$1: accepted"; return; }
	grep -q "^$2:[0-9]*: $3" "$T/out" || { bad "$1: not named"; cat "$T/out"; }
}

copy
inject graph/cluster.c '#include "proceeds/report.h"'
refused "graph includes evidence" graph/cluster.c "graph/ may not include proceeds/report.h"
copy
inject chain/tx.c '#include "proceeds/cluster.h"'
refused "chain includes graph" chain/tx.c "chain/ may not include proceeds/cluster.h"
copy
inject tracer/trace.c '#include "proceeds/simecon.h"'
refused "tracer includes sim" tracer/trace.c "tracer/ may not include proceeds/simecon.h"
copy
inject evidence/jcs.c '#include "../graph/cluster_int.h"'
refused "a private header of another room" evidence/jcs.c '"../graph/cluster_int.h"'
copy
printf 'void rooms_probe(void);\nvoid rooms_probe(void) { printf("x"); }\n' >>"$T/tree/graph/unionfind.c"
refused "the library prints" graph/unionfind.c "the library never prints"
[ $fail -eq 0 ] && echo "e2e_rooms: ok"
exit $fail
