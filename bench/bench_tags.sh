#!/bin/sh
# Imports all GraphSense TagPacks (~499k tags) into a fresh database and
# times it; then a full list scan. Figures go to bench/RESULTS.md by hand.
set -eu
P="$PROCEEDS"
S=../shared/real/tags/graphsense-tagpacks/packs
[ -d "$S" ] || { echo "skip: ../shared not found"; exit 0; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
t0=$(date +%s.%N)
"$P" tags import -q --db "$D/db" "$S"/*.yaml >"$D/out"
t1=$(date +%s.%N)
"$P" tags list --db "$D/db" --csv >/dev/null
t2=$(date +%s.%N)
"$P" tags stats --db "$D/db" | head -2
awk '{a+=$(NF-7); r+=$(NF-5); s+=$(NF-3)} END {printf "accepted %d rejected %d skipped %d\n", a, r, s}' "$D/out"
echo "import of $(ls "$S"/*.yaml | wc -l) packs: $(awk "BEGIN {print $t1 - $t0}") s"
echo "list --csv of all tags: $(awk "BEGIN {print $t2 - $t1}") s"
