#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the state tests: a temporary data
# directory, run as the postgres user, listening on a unix socket in that
# directory and on 127.0.0.1 at a free port, with a random password. Installs
# the Debian package first when it is missing.
#
#   pgenv=$(bash .ci/postgres.sh) && eval "$pgenv"   # exports FLEET_TEST_PG_DSN, FLEET_TEST_PG_DIR
#   bash .ci/postgres.sh stop                        # stops it, removes its directory
#
# Only the export lines go to stdout; progress goes to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

# as_pg runs a command as the postgres user (initdb and postgres refuse root).
as_pg() {
	if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

if [[ "${1:-}" == stop ]]; then
	dir=${FLEET_TEST_PG_DIR:?FLEET_TEST_PG_DIR is not set: nothing to stop}
	as_pg "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
	rm -rf -- "$dir"
	exit 0
fi

bin=$(pg_bindir)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
	[[ $EUID -eq 0 ]] || { log "postgresql is not installed and installing it needs root"; exit 1; }
	log "installing postgresql from the Debian packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
	bin=$(pg_bindir)
fi

dir=$(mktemp -d /tmp/fleet-pg.XXXXXX)
echo "$bin" >"$dir/bindir"
mkdir "$dir/sock"
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pwfile"
if [[ $EUID -eq 0 ]]; then chown -R postgres: "$dir"; fi
chmod 700 "$dir"

log "initdb in $dir/data"
as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
	--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"

# A port nobody answers on; a race with another process is caught by the
# start failing, and the next port is tried.
started=
for _ in 1 2 3 4 5 6 7 8; do
	port=$((20000 + RANDOM % 40000))
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
	# fsync off: the server is thrown away, and the tests kill clients, not it.
	if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
		"-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/sock -c max_connections=200 -c fsync=off -c full_page_writes=off" >&2; then
		started=1
		break
	fi
	log "start on port $port failed; trying another"
done
[[ -n "$started" ]] || { cat "$dir/server.log" >&2; exit 1; }

as_pg "$bin/createdb" -h "$dir/sock" -p "$port" -U postgres fleet_test
log "$("$bin/postgres" --version) is up on 127.0.0.1:$port (data in $dir)"

echo "export FLEET_TEST_PG_DSN='postgres://postgres:$password@127.0.0.1:$port/fleet_test?sslmode=disable'"
echo "export FLEET_TEST_PG_DIR='$dir'"
