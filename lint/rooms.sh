#!/bin/sh
# The house's include rules (HACKING.md, "Rooms"), checked over the
# tracked sources of a tree:
#   chain -> tags -> graph -> tracer -> evidence -> screen -> cli
# A room's files include headers of their own room and of rooms to their
# left; cli (the command line, and the coming server) may include
# everything and nothing includes it; sim (the simulator) includes only
# chain, and only cli, tests and bench include sim. A header
# include/proceeds/NAME.h belongs to the room holding NAME.c, else to the
# room lint/rooms.map names. A private header ("x.h", no proceeds/) must
# sit in the including file's own folder. The library (every room but cli)
# never prints: no printf, puts, perror, or writes to stdout/stderr (a line
# marked "lint: prints before abort" may report a fatal out-of-memory).
# tests/, bench/ and fuzz/ may include anything.
# Usage: lint/rooms.sh [TREE]   (default: this checkout). Exit 1 on a
# finding, each printed as FILE:LINE: message.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
rooms="chain tags graph tracer evidence screen sim cli"
map=lint/rooms.map

rank() {
	case $1 in
	chain) echo 0 ;; tags) echo 1 ;; graph) echo 2 ;; tracer) echo 3 ;;
	evidence) echo 4 ;; screen) echo 5 ;; cli) echo 9 ;; *) echo -1 ;;
	esac
}

room_of_header() {
	for r in $rooms; do
		[ -f "$r/$1.c" ] && { echo "$r"; return; }
	done
	[ -f "$map" ] && awk -v h="$1" '$1 == h { print $2; exit }' "$map"
}

# Whether a file of room $1 may include a header of room $2.
allowed() {
	[ "$1" = "$2" ] && return 0
	[ "$1" = cli ] && return 0
	[ "$2" = cli ] && return 1
	[ "$2" = sim ] && return 1
	[ "$1" = sim ] && { [ "$2" = chain ]; return; }
	[ "$(rank "$2")" -le "$(rank "$1")" ]
}

tmp_fail=$(mktemp)
trap 'rm -f "$tmp_fail"' EXIT
files=$(git ls-files 2>/dev/null | grep -E '^[a-z]+/[^/]+\.[ch]$' || find $rooms -name '*.[ch]')
for f in $files; do
	room=${f%%/*}
	case " $rooms " in *" $room "*) ;; *) continue ;; esac
	dir=$(dirname "$f")
	grep -n '^#include "' "$f" | while IFS= read -r line; do
		n=${line%%:*}
		inc=$(printf '%s\n' "$line" | sed 's/^[0-9]*:#include "\([^"]*\)".*/\1/')
		case $inc in
		proceeds/*.h)
			h=${inc#proceeds/}
			h=${h%.h}
			hr=$(room_of_header "$h")
			if [ -z "$hr" ]; then
				echo "$f:$n: $inc belongs to no room (add it to $map)"
				echo x >>"$tmp_fail"
			elif ! allowed "$room" "$hr"; then
				echo "$f:$n: $room/ may not include $inc ($hr/): the data flows chain -> tags -> graph -> tracer -> evidence -> screen -> cli"
				echo x >>"$tmp_fail"
			fi ;;
		*/*)
			echo "$f:$n: \"$inc\": a private header is included from its own folder only"
			echo x >>"$tmp_fail" ;;
		*)
			[ -f "$dir/$inc" ] || {
				echo "$f:$n: \"$inc\" is not in $dir/"
				echo x >>"$tmp_fail"
			} ;;
		esac
	done
	if [ "$room" != cli ]; then
		grep -nE '(^|[^a-z_])(printf|puts|putchar|perror|vprintf)\(|f(printf|puts|putc|write)\([^;]*(stdout|stderr)' "$f" |
			grep -v 'lint: prints before abort' | while IFS= read -r line; do
			echo "$f:${line%%:*}: the library never prints (only cli/ does)"
			echo x >>"$tmp_fail"
		done
	fi
done
if [ -s "$tmp_fail" ]; then
	echo "rooms: $(wc -l <"$tmp_fail") finding(s)"
	exit 1
fi
echo "rooms: include rules hold ($(printf '%s\n' $files | wc -l) files)"
