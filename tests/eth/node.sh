#!/bin/sh
# A local Ethereum node for the tests: Hardhat 2 (pinned in package-lock.json,
# installed by `make deps`), its in-process chain (id 31337, twenty preset
# accounts of 10000 ETH), on 127.0.0.1 and a free port.
#   sh tests/eth/node.sh start DIR   starts it in the background, waits until
#                                    eth_blockNumber answers, prints the URL;
#                                    DIR gets url, pid (its process group) and
#                                    node.log
#   sh tests/eth/node.sh stop DIR    stops the node started into DIR
#   sh tests/eth/node.sh check       exit 0 when node and Hardhat are
#                                    installed, else 1 with the reason on stdout
# Exit 2 when the node cannot be started (the log's tail goes to stderr).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)

check() {
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
		{ echo "node/npm not installed"; return 1; }
	[ -f "$root/node_modules/hardhat/package.json" ] ||
		{ echo "hardhat not installed (run make deps)"; return 1; }
}

free_port() {
	node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

answers() {
	curl -s -m 2 -H 'content-type: application/json' \
		-d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' \
		"$1" 2>/dev/null | grep -q '"result"'
}

start() {
	dir=$1
	mkdir -p "$dir" || exit 2
	port=$(free_port) || exit 2
	url="http://127.0.0.1:$port"
	# Hardhat runs only from inside the project holding node_modules; its own
	# process group, so that stop ends whatever it spawned.
	cd "$root" || exit 2
	HARDHAT_DISABLE_TELEMETRY_PROMPT=true setsid \
		"$root/node_modules/.bin/hardhat" --config tests/eth/hardhat.config.js \
		node --hostname 127.0.0.1 --port "$port" >"$dir/node.log" 2>&1 &
	echo $! >"$dir/pid"
	echo "$url" >"$dir/url"
	i=0
	while ! answers "$url"; do
		i=$((i + 1))
		if [ $i -gt 120 ] || ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
			echo "node.sh: the node did not answer on $url" >&2
			tail -n 20 "$dir/node.log" >&2
			stop "$dir"
			exit 2
		fi
		sleep 0.5
	done
	echo "$url"
}

stop() {
	[ -f "$1/pid" ] || return 0
	pid=$(cat "$1/pid")
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do
		sleep 0.25
		i=$((i + 1))
	done
	kill -KILL -- "-$pid" 2>/dev/null
	rm -f "$1/pid"
}

case ${1:-} in
start) [ $# -eq 2 ] || exit 2; start "$2" ;;
stop) [ $# -eq 2 ] || exit 2; stop "$2" ;;
check) check ;;
*) echo "usage: node.sh start DIR | stop DIR | check" >&2; exit 2 ;;
esac
