#!/bin/sh
# `make lint`: the rooms' include rules (lint/rooms.sh), then cppcheck and
# clang-tidy over every C source of the project
# (library, CLI, fuzz targets, tests, benchmarks) with the committed
# configuration: .clang-tidy and lint/cppcheck-suppressions.txt. Any finding
# fails; fix it, or justify a suppression in one of those files.
# Usage: lint/run.sh [FILE.c...]   (default: all sources)
set -u
cd "$(dirname "$0")/.."
jobs=${LINT_JOBS:-2}
pkgs="libsecp256k1 jansson libcurl openssl yaml-0.1 libxml-2.0"
# The replay test's target list comes from the Makefile; one name will do.
defs="-D_GNU_SOURCE -DFUZZ_TARGETS=X(fuzz_tx)"
cflags="-Iinclude -Ifuzz -Itests -std=c11 $defs $(pkg-config --cflags $pkgs 2>/dev/null)"
export cflags
if [ $# -eq 0 ]; then
	set -- $(ls chain/*.c tags/*.c graph/*.c tracer/*.c evidence/*.c screen/*.c \
		sim/*.c cli/*.c fuzz/*.c tests/*.c bench/*.c 2>/dev/null)
fi
status=0

echo "== rooms (lint/rooms.sh: include rules, the library never prints)"
sh lint/rooms.sh || status=1

echo "== cppcheck ($(cppcheck --version))"
cppcheck --enable=warning,style,performance,portability --std=c11 -q \
	--inline-suppr --suppressions-list=lint/cppcheck-suppressions.txt \
	-Iinclude -Ifuzz -Itests $defs --include=/usr/include/jansson.h \
	--error-exitcode=1 -j "$jobs" \
	--template='{file}:{line}: {severity}: {message} [{id}]' "$@" || status=1

echo "== clang-tidy ($(clang-tidy --version | sed -n 's/.*version //p' | head -n 1))"
out=${TMPDIR:-/tmp}/proceeds-tidy.$$
printf '%s\n' "$@" | xargs -P "$jobs" -n 4 sh -c \
	'clang-tidy --quiet "$@" -- $cflags' sh >"$out" 2>&1
# Findings as "FILE CHECK", minus the triaged ones.
sed -n 's#^'"$PWD"'/\([^:]*\):[0-9]*:[0-9]*: \(warning\|error\): .*\[\([A-Za-z0-9.-]*\).*\]$#\1 \3#p' \
	"$out" | sort -u >"$out.found"
grep -v '^#' lint/clang-tidy-suppressions.txt | grep . | sort -u >"$out.known"
new=$(comm -23 "$out.found" "$out.known")
if [ -n "$new" ]; then
	for k in $(printf '%s\n' "$new" | tr ' ' '@'); do
		f=${k%@*} c=${k#*@}
		grep -A3 -E "^$PWD/$f:[0-9]+:[0-9]+: (warning|error): .*\[$c" "$out"
	done
	echo "clang-tidy: $(printf '%s\n' "$new" | wc -l) new finding(s) (file, check)"
	status=1
fi
rm -f "$out" "$out.found" "$out.known"
[ $status -eq 0 ] && echo "make lint: clean ($# files)"
exit $status
