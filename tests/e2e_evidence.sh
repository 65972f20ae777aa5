#!/bin/sh
# Evidence keys, signed packages and tampering; signed-message checks.
# Env: PROCEEDS = the binary.
set -u
P=${PROCEEDS:?PROCEEDS not set}
T=$(mktemp -d "${TMPDIR:-/tmp}/proceeds-e2e-evidence.XXXXXX")
trap 'rm -rf "$T"' EXIT
HOME=$T/home; export HOME
mkdir -p "$HOME"
unset PROCEEDS_KEY
. "$(dirname "$0")/lib_e2e.sh"

# --- keys
expect 0 "$P" key new --out "$T/k1" -q
PK1=$(cat "$T/out")
echo "$PK1" | grep -Eq '^[0-9a-f]{64}$' || fail "key new printed '$PK1'"
[ "$(stat -c %a "$T/k1")" = 600 ] || fail "key file mode $(stat -c %a "$T/k1")"
expect 0 "$P" key show "$T/k1"
[ "$(cat "$T/out")" = "$PK1" ] || fail "key show differs from key new"
expect 2 "$P" key new --out "$T/k1"
has "refusing to overwrite"
expect 0 "$P" key new -q
[ -f "$HOME/.proceeds/evidence.key" ] || fail "default key not in ~/.proceeds"
expect 0 "$P" key new --out "$T/k2" -q
PK2=$(cat "$T/out")
[ "$PK1" != "$PK2" ] || fail "two keys alike"
chmod 644 "$T/k1"
expect 2 "$P" key show "$T/k1"
has "accessible by group or others (mode 0644)"
mkdir -p "$T/pkg/freeze"
expect 2 "$P" key sign "$T/pkg" --key "$T/k1"
has "accessible by group or others"
chmod 600 "$T/k1"

# --- a package
printf '{"hops":[{"txid":"aa","vout":0}],"version":1}' >"$T/pkg/report.json"
printf '<!doctype html><title>report</title>\n' >"$T/pkg/report.html"
printf 'address,amount_sat\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,5000000000\n' >"$T/pkg/exits.csv"
printf '{"exchange":"a"}' >"$T/pkg/freeze/exchange-a.json"
expect 0 "$P" key sign "$T/pkg" --key "$T/k1"
if command -v sha256sum >/dev/null; then
	(cd "$T/pkg" && sha256sum -c --quiet MANIFEST) || fail "sha256sum -c MANIFEST"
fi
expect 0 "$P" verify "$T/pkg" --pubkey "$PK1"
has "verified: 4 files match MANIFEST"
expect 0 "$P" verify "$T/pkg"
has "pass --pubkey"

# --- one changed byte in any file is found and named
cp -a "$T/pkg" "$T/orig"
for f in report.json report.html exits.csv freeze/exchange-a.json MANIFEST MANIFEST.sig; do
	size=$(stat -c %s "$T/pkg/$f")
	for off in 0 $((size / 2)) $((size - 2)); do
		old=$(dd if="$T/pkg/$f" bs=1 skip="$off" count=1 2>/dev/null)
		new=X; [ "$old" = X ] && new=Y
		printf %s "$new" | dd of="$T/pkg/$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
		expect 1 "$P" verify "$T/pkg" --pubkey "$PK1"
		has "FAIL  $f:"
		has "NOT VERIFIED"
		cp "$T/orig/$f" "$T/pkg/$f"
	done
done
expect 0 "$P" verify "$T/pkg" --pubkey "$PK1"

# --- one hop changed and the package re-signed with another key
printf '{"hops":[{"txid":"bb","vout":0}],"version":1}' >"$T/pkg/report.json"
expect 0 "$P" key sign "$T/pkg" --key "$T/k2"
expect 0 "$P" verify "$T/pkg"
expect 1 "$P" verify "$T/pkg" --pubkey "$PK1"
has "FAIL  MANIFEST.sig: signed by key $PK2, not by the expected key $PK1"
expect 1 "$P" verify "$T/pkg" --pubkey "$PK1" --json
has '"ok": false'

# --- missing and added files
rm -rf "$T/pkg" && cp -a "$T/orig" "$T/pkg"
rm "$T/pkg/exits.csv"
printf x >"$T/pkg/freeze/exchange-b.json"
expect 1 "$P" verify "$T/pkg" --pubkey "$PK1"
has "FAIL  exits.csv: missing"
has "FAIL  freeze/exchange-b.json: not listed in MANIFEST"
rm "$T/pkg/MANIFEST.sig"
expect 1 "$P" verify "$T/pkg"
has "MANIFEST.sig: missing: the package is not signed"

# --- cannot run
expect 2 "$P" verify "$T/nonexistent"
expect 2 "$P" verify "$T/orig" --pubkey 1234
expect 2 "$P" verify

# --- signed messages (Bitcoin Core util_tests message_verify; bitcoinjs-message fixtures)
CORE_SIG='IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk='
expect 0 "$P" verify-message 15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs "$CORE_SIG" "Trust no one"
has "valid: 15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs signed this message"
expect 1 "$P" verify-message 15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs "$CORE_SIG" "I never signed this"
has "invalid:"
expect 1 "$P" verify-message 1KqbBpLy5FARmTPD4VZnDDpYjkUvkr82Pm "$CORE_SIG" "Trust no one"
expect 2 "$P" verify-message 15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs "not base64" "Trust no one"
expect 2 "$P" verify-message 3B5fQsEXEaV8v6U3ejYc8XaKXAkyQj2MjVx "$CORE_SIG" "Trust no one"
expect 1 "$P" verify-message 3B5fQsEXEaV8v6U3ejYc8XaKXAkyQj2MjV "$CORE_SIG" "Trust no one"
expect 0 "$P" verify-message mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB \
	'INbVnW4e6PeRmsv2Qgu8NuopvrVjkcxob+sX8OcZG0SALhWybUjzMLPdAsXI46YZGb0KQTRii+wWIQzRpG/U+S0=' \
	"This is just a test message" --json
has '"valid": true'
has '"network": "testnet"'
BIP137='KF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8='
printf 'vires is numeris' >"$T/msg"
expect 0 "$P" verify-message bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 "$BIP137" --message-file "$T/msg"
has "p2wpkh signature"
printf 'vires is numeris\n' >"$T/msg2"
expect 1 "$P" verify-message bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 "$BIP137" --message-file - <"$T/msg2"

[ "$fails" = 0 ] || { echo "e2e_evidence: $fails failure(s)"; exit 1; }
echo "e2e_evidence: ok"
