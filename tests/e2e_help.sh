#!/bin/sh
# Every command has help, and every long option a command's source accepts
# appears in its help text (and so in the generated man page).
set -eu
P=${PROCEEDS:?}
fail=0
"$P" help >/dev/null
"$P" help --man | grep -q '^.TH PROCEEDS 1' || { echo "man page header missing"; fail=1; }
for src in cli/cmd_*.c; do
	cmd=$(sed -n 's/^const struct cli_command cmd_[a-z_]* = {$/x/p' "$src" >/dev/null; \
	      grep -A1 '^const struct cli_command' "$src" | grep -o '"[a-z-]*"' | head -1 | tr -d '"')
	[ -n "$cmd" ] || continue
	help=$("$P" help "$cmd") || { echo "help $cmd failed"; fail=1; continue; }
	for opt in $(grep -o '"--[a-z][a-z0-9-]*' "$src" | tr -d '"' | sort -u); do
		case "$opt" in --db|--network|--json|--csv|--out|--quiet) continue;; esac
		printf '%s\n' "$help" | grep -q -- "$opt" || {
			echo "$src: option $opt missing from 'proceeds help $cmd'"; fail=1; }
	done
done
# Unknown command and unknown option: exit 2 with one line.
set +e
"$P" no-such-command 2>/tmp/proceeds-help.$$; rc=$?
set -e
[ $rc -eq 2 ] || { echo "unknown command exit $rc"; fail=1; }
[ "$(wc -l < /tmp/proceeds-help.$$)" -eq 1 ] || { echo "error not one line"; fail=1; }
grep -q '^proceeds: ' /tmp/proceeds-help.$$ || { echo "error format"; fail=1; }
rm -f /tmp/proceeds-help.$$
exit $fail
