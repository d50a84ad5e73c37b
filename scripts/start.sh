#!/usr/bin/env bash
# `npm start`: builds this package, installs it into a persistent local n8n (2.41.1, SQLite,
# 127.0.0.1 only) as a community package, starts n8n, creates the owner on the first run, imports
# the workflows in examples/ and prints how to log in. Ctrl-C stops n8n and everything it started.
#
# State lives in .n8n-local/ (git-ignored): delete that folder to start from scratch.
# Settings: N8N_EE_PORT (default 5678); any N8N_* variable you export wins over offline.env.
set -euo pipefail

# An enclosing `npm run` exports its settings (nodedir, prefix, loglevel...) as npm_* variables;
# they must not steer the npm commands below.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$REPO/.n8n-local"
USER_FOLDER="$LOCAL/home"
NODES_DIR="$USER_FOLDER/.n8n/nodes"
PACK_DIR="$LOCAL/pack"
LOG="$LOCAL/n8n.log"
PORT="${N8N_EE_PORT:-5678}"
BASE_URL="http://127.0.0.1:$PORT"

say() { printf '[start] %s\n' "$*"; }
fail() { say "ERROR: $*" >&2; exit 1; }

# 1. The n8n runtime (minutes on the first run, instant afterwards).
paths="$("$REPO/scripts/n8n/install.sh" --print-paths)" || fail 'installing n8n failed (see above)'
while IFS='=' read -r key value; do
	case "$key" in
		N8N_EE_NODE) NODE24="$value" ;;
		N8N_EE_N8N_BIN) N8N_BIN="$value" ;;
	esac
done <<<"$paths"
[[ -x "${NODE24:-}" && -f "${N8N_BIN:-}" ]] || fail "install.sh reported no usable n8n: $paths"

# 2. Build and pack the package exactly as it would be published.
say 'building the package (npm run build)'
(cd "$REPO" && npm run --silent build) || fail 'the build failed; fix it and run npm start again'
mkdir -p "$PACK_DIR"
rm -f "$PACK_DIR"/*.tgz
tarball_name="$(cd "$REPO" && npm pack --silent --ignore-scripts --pack-destination "$PACK_DIR" | tail -n 1)"
tarball="$PACK_DIR/$tarball_name"
[[ -f "$tarball" ]] || fail "npm pack did not produce $tarball"

# 3. Install it the way n8n installs community packages: into ~/.n8n/nodes, without peer deps.
say "installing $tarball_name into .n8n-local/home/.n8n/nodes"
mkdir -p "$NODES_DIR"
[[ -f "$NODES_DIR/package.json" ]] ||
	printf '{\n  "name": "installed-nodes",\n  "private": true\n}\n' >"$NODES_DIR/package.json"
package_name="$(cd "$REPO" && node -p 'require("./package.json").name')"
rm -rf "${NODES_DIR:?}/node_modules/$package_name"
(cd "$NODES_DIR" && npm install --omit=peer --ignore-scripts --no-audit --no-fund --loglevel=error \
	"$tarball") || fail "installing $tarball_name into n8n failed"

# 4. A per-folder encryption key, generated once: n8n encrypts saved credentials with it.
if [[ ! -s "$LOCAL/encryption-key" ]]; then
	(umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' \
		>"$LOCAL/encryption-key")
fi

if node -e "
	const s = require('net').connect($PORT, '127.0.0.1');
	s.on('connect', () => process.exit(0));
	s.on('error', () => process.exit(1));
" 2>/dev/null; then
	fail "port $PORT on 127.0.0.1 is in use (is another npm start running?). Set N8N_EE_PORT to use another."
fi

# 5. Environment: offline.env unless the caller exported a value, then what this run needs.
while IFS= read -r line; do
	[[ "$line" =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]] || continue
	key="${BASH_REMATCH[1]}"
	[[ -n "${!key+set}" ]] || export "$key=${BASH_REMATCH[2]}"
done <"$REPO/scripts/n8n/offline.env"
export N8N_USER_FOLDER="$USER_FOLDER"
export N8N_PORT="$PORT"
export N8N_EDITOR_BASE_URL="$BASE_URL/"
export WEBHOOK_URL="$BASE_URL/"
export DB_TYPE=sqlite
export N8N_ENCRYPTION_KEY="$(cat "$LOCAL/encryption-key")"
# The task runner child is started with `node`: it must be Node 24 too.
export PATH="$(dirname "$NODE24"):$PATH"

N8N_PID=''
TAIL_PID=''
stop_n8n() {
	trap - INT TERM EXIT
	if [[ -n "$N8N_PID" ]] && kill -0 -- "-$N8N_PID" 2>/dev/null; then
		say 'stopping n8n...'
		kill -TERM -- "-$N8N_PID" 2>/dev/null || true
		for _ in $(seq 1 40); do
			kill -0 -- "-$N8N_PID" 2>/dev/null || break
			sleep 0.5
		done
		# Whatever is left of n8n's process group (e.g. a stuck task runner) goes now.
		kill -KILL -- "-$N8N_PID" 2>/dev/null || true
		say 'n8n stopped.'
	fi
	[[ -n "$TAIL_PID" ]] && kill "$TAIL_PID" 2>/dev/null || true
}
trap 'stop_n8n; exit 130' INT
trap 'stop_n8n; exit 143' TERM
trap 'stop_n8n' EXIT

# 6. Start n8n in its own process group, so that stopping it also ends its task runner.
[[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.previous"
say "starting n8n 2.41.1 on $BASE_URL (log: .n8n-local/n8n.log)"
setsid "$NODE24" "$N8N_BIN" start >"$LOG" 2>&1 </dev/null &
N8N_PID=$!
tail -n +1 -F "$LOG" --pid="$N8N_PID" 2>/dev/null &
TAIL_PID=$!

node "$REPO/scripts/n8n/local-setup.mjs" "$BASE_URL" "$LOCAL" "$REPO/examples" "$N8N_PID" ||
	fail 'setting up the local n8n failed'

# Wait for n8n in short steps (a trapped signal interrupts `wait`, so traps run promptly), and
# stop it when whoever started this script is gone: `npm start` wraps it in `sh -c`, and a SIGTERM
# to npm ends that shell without passing the signal on.
PARENT_PID=$PPID
while kill -0 "$N8N_PID" 2>/dev/null; do
	if ! kill -0 "$PARENT_PID" 2>/dev/null; then
		say 'the process that ran npm start is gone'
		exit 143
	fi
	sleep 1 &
	wait $! || true
done
status=0
wait "$N8N_PID" || status=$?
say "n8n exited with status $status"
exit "$status"
