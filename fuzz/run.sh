#!/bin/sh
# Runs every libFuzzer target for a bounded time: `make fuzz` calls it as
#   fuzz/run.sh BUILD_DIR SECONDS TARGET...
# Each target's corpus (BUILD_DIR/corpus/TARGET, kept between runs) starts
# from the committed seeds in fuzz/seeds/TARGET, the regression inputs in
# tests/fuzz-regress/TARGET and, when ../shared is there, real files copied
# at run time (never committed). A crash stops the run with the input's
# path; fix it, then keep that input in tests/fuzz-regress/TARGET/.
# Figures per target go to BUILD_DIR/fuzz-summary.txt.
set -u
build=$1 secs=$2
shift 2
shared=${PROCEEDS_SHARED:-../shared}/real
summary=$build/fuzz-summary.txt
: >"$summary"
status=0

hex_lines() { # jq filter, file, outdir, prefix: one binary seed per hex line
	command -v jq >/dev/null 2>&1 && command -v xxd >/dev/null 2>&1 || return 0
	i=0
	jq -r "$1" "$2" 2>/dev/null | head -n 400 | while read -r h; do
		i=$((i + 1)); printf '%s' "$h" | xxd -r -p >"$3/$4$i" 2>/dev/null
	done
}
text_lines() { # jq filter, file, outdir, prefix: one text seed per line
	command -v jq >/dev/null 2>&1 || return 0
	i=0
	jq -r "$1" "$2" 2>/dev/null | head -n 400 | while IFS= read -r s; do
		i=$((i + 1)); printf '%s' "$s" >"$3/$4$i"
	done
}
small_files() { # outdir, max bytes, files...: copies the small ones
	out=$1 max=$2; shift 2
	for f in "$@"; do
		[ -f "$f" ] && [ "$(wc -c <"$f")" -le "$max" ] && cp "$f" "$out/" 2>/dev/null
	done
	return 0
}

le32() { # value: 4 bytes little-endian
	printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)) | xxd -r -p
}
blkdir_seeds() { # corpus dir: real blk (and rev) files behind fuzz_blkdir's flags
	command -v xxd >/dev/null 2>&1 || return 0
	c=$shared/chains
	{ printf '\000'; head -c 20000 "$c/mainnet-0-599/blk00000.dat"; } >"$1/real_blk_prefix"
	{ printf '\000'; cat "$c/truncated-tail-blk.dat"; } >"$1/real_truncated_tail"
	{ printf '\002'; le32 "$(wc -c <"$c/mainnet-0-599/blk00000.dat")"
	  cat "$c/mainnet-0-599/blk00000.dat" "$c/mainnet-0-599/rev00000.dat"; } >"$1/real_blk_rev"
}

real_seeds() { # target, corpus dir
	[ -d "$shared" ] || return 0
	v=$shared/vectors
	case $1 in
	fuzz_block) small_files "$2" 120000 "$shared"/blocks/*/block*.raw ;;
	fuzz_tx) hex_lines '.[] | select(length == 3) | .[1]' "$v/tx_valid.json" "$2" valid
		hex_lines '.[] | select(length == 3) | .[1]' "$v/tx_invalid.json" "$2" invalid ;;
	fuzz_address) text_lines '.[] | .[0]' "$v/key_io_valid.json" "$2" valid
		text_lines '.[] | .[0]' "$v/key_io_invalid.json" "$2" invalid
		text_lines '.. | strings' "$v/bip173_vectors.json" "$2" b173
		text_lines '.. | strings' "$v/bip350_vectors.json" "$2" b350 ;;
	fuzz_script) hex_lines '.[] | .[1]' "$v/key_io_valid.json" "$2" spk ;;
	fuzz_tagcsv|fuzz_ofac) small_files "$2" 100000 "$shared"/tags/ofac/*.txt "$shared"/tags/ofac/*.json ;;
	fuzz_tagpack|fuzz_tagdetect) small_files "$2" 20000 "$shared"/tags/graphsense-tagpacks/packs/*.yaml ;;
	fuzz_blkdir) blkdir_seeds "$2" ;;
	fuzz_undo) small_files "$2" 120000 "$shared"/blocks/*/*-undo.raw ;;
	fuzz_msgverify|fuzz_jcs|fuzz_reportcheck) ;;
	fuzz_rpc) small_files "$2" 120000 "$shared"/blocks/*/block*.raw ;;
	fuzz_tagmisp) small_files "$2" 100000 "$shared"/formats/misp-objects/*.json ;;
	esac
}

for t in "$@"; do
	corpus=$build/corpus/$t crashes=$build/crashes/$t/ log=$build/logs/$t.log
	mkdir -p "$corpus" "$crashes" "$build/logs"
	for d in fuzz/seeds/$t tests/fuzz-regress/$t; do
		[ -d "$d" ] && cp "$d"/* "$corpus/" 2>/dev/null
	done
	real_seeds "$t" "$corpus"
	echo "== $t (${secs}s, $(ls "$corpus" | wc -l) seeds)"
	"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes" "$corpus" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(ls "$corpus" | wc -l)
	if [ "$rc" -ne 0 ]; then
		status=1
		echo "FAIL: $t exited $rc; input: $(ls "$crashes" | head -n 1)" >&2
		grep -m 12 -E 'ERROR|invariant|SUMMARY|#[0-9] ' "$log" >&2
		echo "  (full log: $log)" >&2
	fi
	printf '%s executions=%s cov=%s ft=%s corpus=%s exit=%s\n' \
		"$t" "${execs:-0}" "${cov:-0}" "${ft:-0}" "$corp" "$rc" | tee -a "$summary"
done
exit $status
