#!/bin/sh
# make demo: the whole job on the sample case shipped in data/.
set -eu
P="$1"
echo "proceeds demo: decoding the sample block shipped in data/"
"$P" decode data/genesis.hex
echo
echo "proceeds demo: the simulated ransomware case in data/demo (make demo-data regenerates it)"
"$P" scan --blocks data/demo/blocks
echo "victims' report: data/demo/case.json; investigator's tags: data/demo/tags.csv"
