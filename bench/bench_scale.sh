#!/bin/sh
# The scale run (issue 16, docs/scale.md): a simulated chain of SCALE_TXS
# transactions (default 100,000,000), indexed in steps of SCALE_STEP
# (default 10,000,000) transactions, with tx/s (the step and overall),
# CPU seconds, peak RSS, index and blk bytes, LevelDB's write
# amplification and the bytes read from disk after every step; then
# `cluster build`, a trace and `cluster export --all --csv`, each timed
# with its peak RSS.
#
# `make bench` runs every bench/bench_*.sh: this one only when SCALE_TXS
# is set (hours and ~80 GB of disk at 100M). Environment:
#   SCALE_TXS      target transactions (simulate --txs); required
#   SCALE_STEP     transactions per step (default 10000000)
#   SCALE_DIR      work folder (default $BUILD/scale); holds the state:
#                  rerunning continues from the last completed step
#   SCALE_SEED     simulate --seed (default 1)
#   SCALE_PROFILE  simulate --profile (default 2024: today's script mix)
#   SCALE_FILE_SIZE  simulate --file-size (default Core's 128 MiB)
#   SCALE_DISK_MAX stop generating when the disk is this % full (88)
# `touch $SCALE_DIR/stop` ends the run at the next step boundary: the
# simulator is stopped, what was linked is indexed, and the final
# commands run on it.
#
# How the steps work: `proceeds simulate` writes one chain per run and
# renames its folder when done, so the script starts it once, to the
# target, in the background, and feeds the indexer while it runs: a blk
# file of the simulator's temporary folder is complete once the next one
# exists; complete files are hard-linked into SCALE_DIR/blocks, as many
# as the next step needs (bytes per tx measured so far), and `proceeds
# index --blocks` (incremental over that folder) indexes them. A step
# therefore ends at a blk file boundary: its tx count is ~SCALE_STEP and
# recorded exactly, from the indexer's summary. The simulator and the
# indexer share the machine; the CPU seconds of the indexer are the
# figure that does not depend on that. The simulator is deterministic:
# after a crash it is restarted from scratch with the same options and
# the files already linked are skipped (same bytes).
#
# Output: SCALE_DIR/progress.tsv (one line per step), SCALE_DIR/final.tsv
# (the three final commands), a progress line per step on stdout.
set -eu
if [ -z "${SCALE_TXS:-}" ]; then
	echo "skip: set SCALE_TXS=100000000 (and SCALE_DIR) to run the scale run (hours, ~80 GB; docs/scale.md)"
	exit 0
fi
P=${PROCEEDS:?}
TXS=$SCALE_TXS
STEP=${SCALE_STEP:-10000000}
SEED=${SCALE_SEED:-1}
PROFILE=${SCALE_PROFILE:-2024}
FSIZE=${SCALE_FILE_SIZE:-134217728}
DISK_MAX=${SCALE_DISK_MAX:-88}
D=${SCALE_DIR:-${BUILD:-build}/scale}
mkdir -p "$D/blocks"
D=$(cd "$D" && pwd)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "proceeds: bench_scale: needs GNU time at /usr/bin/time (-v)" >&2; exit 2; }

# The run uses one binary from start to end: a copy taken at the start.
cfg="txs=$TXS step=$STEP seed=$SEED profile=$PROFILE file_size=$FSIZE"
if [ -f "$D/config" ]; then
	if [ "$(cat "$D/config")" != "$cfg" ]; then
		echo "proceeds: bench_scale: $D holds a run of '$(cat "$D/config")', not '$cfg'" >&2
		exit 2
	fi
else
	cp "$P" "$D/proceeds"
	echo "$cfg" > "$D/config"
	sha256sum "$D/proceeds" > "$D/proceeds.sha256"
fi
B=$D/proceeds
T=$D/progress.tsv
[ -f "$T" ] || printf 'step\ttxs_step\ttxs_total\ttip\tblk_files\tblk_bytes\tindex_bytes\tindex_over_blk\twall_s_step\ttxps_step\twall_s_total\ttxps_total\tcpu_s_step\ttx_per_cpu_s_step\tpeak_rss_mib_step\tpeak_rss_mib_run\twrite_bytes_step\twa_step\twa_total\tload1\tsimulator\tdisk_pct\tnote\tdate\tread_bytes_step\n' > "$T"

disk_pct() { df -P "$D" | awk 'NR == 2 { sub("%", "", $5); print $5 }'; }
sim_done() { [ -d "$D/sim/blocks" ]; }
sim_alive() {
	[ -f "$D/sim.pid" ] || return 1
	pid=$(cat "$D/sim.pid")
	kill -0 "$pid" 2>/dev/null && grep -q simulate "/proc/$pid/cmdline" 2>/dev/null
}
sim_start() {
	for t in "$D"/.sim.tmp-*; do [ -e "$t" ] && rm -rf "$t"; done
	"$TIME" -v -o "$D/sim.time" "$B" simulate -q --json --fast-sigs --profile "$PROFILE" \
		--seed "$SEED" --txs "$TXS" --file-size "$FSIZE" --out "$D/sim" \
		> "$D/sim.out" 2> "$D/sim.err" &
	echo $! > "$D/sim.pid"
}
sim_stop() { # reason: the simulator under /usr/bin/time, then time itself
	if sim_alive; then
		pid=$(cat "$D/sim.pid")
		kill $(cat /proc/"$pid"/task/*/children 2>/dev/null) "$pid" 2>/dev/null || true
		sleep 2
	fi
	for t in "$D"/.sim.tmp-*; do [ -e "$t" ] && rm -rf "$t"; done
	echo "$1" > "$D/stopped"
}
# Complete blk files of the simulator, in order, one per line (full paths).
sim_files() {
	if sim_done; then
		ls "$D/sim/blocks"/blk*.dat 2>/dev/null
		return 0
	fi
	src=$(ls -d "$D"/.sim.tmp-*/blocks 2>/dev/null | head -n 1)
	[ -n "$src" ] || return 0
	ls "$src"/blk*.dat 2>/dev/null | sed '$d'
}
linked_bytes() { find "$D/blocks" -name 'blk*.dat' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
# Links the next complete file; false when there is none.
link_next() {
	for f in $(sim_files); do
		n=$(basename "$f")
		[ -e "$D/blocks/$n" ] && continue
		ln "$f" "$D/blocks/$n" 2>/dev/null || cp "$f" "$D/blocks/$n"
		return 0
	done
	return 1
}
last() { tail -n 1 "$T" | cut -f"$1"; }

# Cumulative figures of the completed steps.
steps=$(($(wc -l < "$T") - 1))
if [ "$steps" -gt 0 ]; then
	cum_txs=$(last 3); cum_wall=$(last 11); peak_run=$(last 16); idx_prev=$(last 7)
	cum_wb=$(awk -F'\t' 'NR > 1 { s += $17 } END { printf "%.0f", s }' "$T")
else
	cum_txs=0; cum_wall=0; peak_run=0; idx_prev=0; cum_wb=0
fi

while :; do
	[ -f "$D/stopped" ] || [ -f "$D/done" ] && break
	if [ -f "$D/stop" ]; then sim_stop "stop file"; break; fi
	if [ "$(disk_pct)" -ge "$DISK_MAX" ]; then sim_stop "disk $(disk_pct)% full"; break; fi
	if ! sim_done && ! sim_alive; then sim_start; fi
	k=$((steps + 1))
	target=$((k * STEP)); [ "$target" -gt "$TXS" ] && target=$TXS
	bpt=350
	[ "$cum_txs" -gt 0 ] && bpt=$(($(linked_bytes) / cum_txs))
	need=$((target * bpt))
	while [ "$(linked_bytes)" -lt "$need" ] && link_next; do :; done
	if [ "$(linked_bytes)" -lt "$need" ] && ! sim_done; then
		sleep 10
		continue
	fi
	# Everything linked is indexed: then the run is complete.
	if [ "$(linked_bytes)" -le "$(last 6 | sed 's/blk_bytes/0/')" ]; then
		touch "$D/done"
		break
	fi
	note=""
	[ -f "$D/step.running" ] && note="resumed (the step's first run was cut)"
	touch "$D/step.running"
	"$TIME" -v -o "$D/step.time" "$B" index --network regtest --db "$D/db" --blocks "$D/blocks" 2> "$D/step.err"
	rm -f "$D/step.running"
	line=$(tr '\r' '\n' < "$D/step.err" | grep '^indexed ' | tail -n 1)
	txs_step=$(echo "$line" | awk '{ print $4 }')
	tip=$(echo "$line" | awk '{ for (i = 1; i < NF; i++) if ($i == "tip") print $(i + 1) }')
	wall=$(awk -F': ' '/Elapsed/ { n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i]; print w }' "$D/step.time")
	cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$D/step.time")
	rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$D/step.time")
	wb=$(awk -F': ' '/File system outputs/ { printf "%.0f", $2 * 512 }' "$D/step.time")
	rb=$(awk -F': ' '/File system inputs/ { printf "%.0f", $2 * 512 }' "$D/step.time")
	blk=$(linked_bytes); idx=$(du -sb "$D/db" | cut -f1)
	nfiles=$(ls "$D/blocks" | wc -l)
	state=running; sim_done && state=done
	steps=$k
	cum_txs=$((cum_txs + txs_step)); cum_wb=$((cum_wb + wb))
	[ "$rss" -gt "$peak_run" ] && peak_run=$rss
	row=$(awk -v k="$k" -v n="$txs_step" -v c="$cum_txs" -v tip="$tip" -v f="$nfiles" -v b="$blk" \
		-v i="$idx" -v ip="$idx_prev" -v w="$wall" -v cw="$cum_wall" -v cpu="$cpu" -v r="$rss" \
		-v pr="$peak_run" -v wb="$wb" -v cwb="$cum_wb" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
		-v s="$state" -v dp="$(disk_pct)" -v note="$note" -v dt="$(date -u +%FT%TZ)" -v rb="$rb" 'BEGIN {
		cw += w; d = i - ip;
		printf "%d\t%d\t%d\t%s\t%d\t%.0f\t%.0f\t%.3f\t%.1f\t%.0f\t%.1f\t%.0f\t%.1f\t%.0f\t%d\t%d\t%.0f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%.0f\n",
			k, n, c, tip, f, b, i, i / b, w, n / w, cw, c / cw, cpu, (cpu > 0 ? n / cpu : 0),
			r, pr, wb, (d > 0 ? wb / d : 0), cwb / i, l, s, dp, note, dt, rb }')
	echo "$row" >> "$T"
	cum_wall=$(last 11); idx_prev=$idx
	echo "$row" | awk -F'\t' '{ printf "scale: step %d: %d txs (%.0f tx/s step, %.0f overall, %.0f tx per CPU-s), tip %s, peak RSS %d MiB, index %.2f GB / blk %.2f GB = %.2f, write amp. %.2f step %.2f overall, read %.1f GB, disk %s%%\n",
		$1, $3, $10, $12, $14, $4, $15, $7 / 1e9, $6 / 1e9, $8, $18, $19, $25 / 1e9, $22 }'
	if sim_done && [ -z "$(for f in $(sim_files); do [ -e "$D/blocks/$(basename "$f")" ] || echo x; done)" ]; then
		touch "$D/done"
		break
	fi
done

# The final commands, on whatever was indexed; each once (final.tsv).
F=$D/final.tsv
[ -f "$F" ] || printf 'command\twall_s\tcpu_s\tpeak_rss_mib\tnote\n' > "$F"
timed() { # name cmd...: run with /usr/bin/time, one row in final.tsv
	name=$1; shift
	grep -q "^$name	" "$F" && return 0
	"$TIME" -v -o "$D/final.time" "$@" > "$D/final.out" 2> "$D/final.err" || {
		echo "proceeds: bench_scale: $name failed: $(tail -n 1 "$D/final.err")" >&2; return 1; }
	awk -F': ' -v n="$name" -v note="$NOTE" '/Elapsed/ { k = split($2, a, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + a[i] }
		/User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 / 1024 }
		END { printf "%s\t%.1f\t%.1f\t%.0f\t%s\n", n, w, u + s, r, note }' "$D/final.time" >> "$F"
	tail -n 1 "$F" | awk -F'\t' '{ printf "scale: %s: %s s wall, %s CPU-s, peak RSS %s MiB %s\n", $1, $2, $3, $4, $5 }'
}
NOTE=""
timed cluster-build "$B" cluster build --network regtest --db "$D/db" -q || true
if [ -f "$D/sim/case.json" ]; then
	NOTE="the simulator's case (case.json)"
	timed trace "$B" trace --network regtest --db "$D/db" --case "$D/sim/case.json" --json || true
else
	# The simulator was stopped before writing case.json: a trace from
	# the first payment of the block at half the indexed height.
	tip=$(last 4)
	h=$((tip / 2))
	txid=$("$B" block "$h" --network regtest --db "$D/db" --json | sed -n '/"tx"/,/]/p' | sed -n 3p | tr -d ' ",')
	NOTE="no case.json (simulator stopped): from $txid, height $h"
	timed trace "$B" trace --network regtest --db "$D/db" --from "$txid" --json || true
fi
NOTE="rows (header included): see export.rows"
timed cluster-export-all sh -c "'$B' cluster export --all --csv --network regtest --db '$D/db' -q | wc -l > '$D/export.rows'" || true
echo "scale: done: $(last 3) txs indexed; $D/progress.tsv, $D/final.tsv"
[ -f "$D/stopped" ] && echo "scale: stopped early: $(cat "$D/stopped")"
exit 0
