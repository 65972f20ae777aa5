#!/bin/sh
# make demo: the whole job on the sample case shipped in data/.
set -eu
P="$1"
echo "proceeds demo: decoding the sample block shipped in data/"
"$P" decode data/genesis.hex
