#!/bin/sh
# CoinJoin detection by structure on variants it was not written for
# (bench/bench_coinjoin_variants.c): one `proceeds simulate --mix-variants`
# economy per network (every mix kind x script type at early heights, and
# one owner's look-alikes), indexed, tags imported, clustered with the
# defaults; prints per variant the detection recall (mix), the false
# positives on look-alikes, and per network the non-exchange pairwise
# precision of the clustering. COINJOIN_VARIANT_TXS (default 100000) and
# COINJOIN_VARIANT_NETS override the size and the networks.
set -eu
P="$PROCEEDS"
B="${BUILD:-build}"
TXS="${COINJOIN_VARIANT_TXS:-100000}"
NETS="${COINJOIN_VARIANT_NETS:-main testnet testnet4 signet regtest}"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
dirs=""
seed=11
for net in $NETS; do
	S="$D/$net"
	"$P" simulate -q --mix-variants --fast-sigs --network "$net" --seed "$seed" \
		--txs "$TXS" --out "$S" >/dev/null
	"$P" index -q --network "$net" --db "$S/db" --blocks "$S/blocks"
	"$P" tags import -q --network "$net" --db "$S/db" "$S/tags.csv" >/dev/null
	dirs="$dirs $S"
	seed=$((seed + 1))
done
echo "measured on: proceeds simulate --mix-variants --fast-sigs, $TXS txs per network ($NETS), $(date -u +%Y-%m-%d)"
"$B/bench/bench_coinjoin_variants" $dirs
