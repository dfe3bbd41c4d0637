#!/usr/bin/env bash
# Runs a throwaway PostgreSQL cluster for tests.
#
#   scripts/pg-cluster.sh start DIR PORT        create and start; prints the URL
#   scripts/pg-cluster.sh createdb DIR PORT NAME  (re)create database NAME; prints its URL
#   scripts/pg-cluster.sh stop DIR              stop at once and remove DIR
#
# The cluster is for tests only: it listens on 127.0.0.1 and on a unix socket
# inside DIR, trusts every local connection, and runs with fsync off, so a
# crash may lose it.  It uses the newest PostgreSQL under /usr/lib/postgresql
# (or PG_BINDIR when set).  The server refuses to run as root, so when this
# script is run as root the cluster belongs to the `postgres` user.
set -euo pipefail

# Settings in the caller's environment must not redirect our own psql or
# pg_ctl calls to some other server.
unset PGDATA PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGOPTIONS PGSERVICE \
	PGSERVICEFILE PGPASSWORD PGPASSFILE PGSSLMODE PGTARGETSESSIONATTRS

# Marks a directory this script created, so that `stop` never removes a
# directory that merely happens to be named on its command line.
MARKER=.guanai-pg-cluster

die() {
	echo "pg-cluster: $*" >&2
	exit 1
}

usage() {
	cat >&2 <<-'EOF'
	usage: pg-cluster.sh start DIR PORT
	       pg-cluster.sh createdb DIR PORT NAME
	       pg-cluster.sh stop DIR
	EOF
	exit 2
}

find_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
		echo "$PG_BINDIR"
		return
	fi
	local best
	best=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ -x "$best/initdb" ]; then
		echo "$best"
		return
	fi
	# Not Debian's layout: fall back to whatever is on PATH.
	local initdb
	initdb=$(command -v initdb 2>/dev/null) || die "no PostgreSQL server found (install postgresql, or set PG_BINDIR)"
	dirname "$initdb"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else
# ourselves.  From / so that the server tools never trip over an unreadable
# working directory such as /root.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		if command -v runuser >/dev/null 2>&1; then
			(cd / && runuser -u postgres -- "$@")
		else
			local cmd
			cmd=$(printf '%q ' "$@")
			(cd / && su postgres -s /bin/sh -c "$cmd")
		fi
	else
		(cd / && "$@")
	fi
}

check_port() {
	case "$1" in
	'' | *[!0-9]*) die "PORT must be a number, not '$1'" ;;
	esac
	if [ "$1" -lt 1024 ] || [ "$1" -gt 65535 ]; then
		die "PORT must be in 1024..65535"
	fi
}

# An absolute path: the server resolves relative paths against its data
# directory, and as_owner changes directory.
abs_dir() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$(pwd -P)/$1" ;;
	esac
}

is_running() {
	[ -f "$1/data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

psql_admin() {
	local dir=$1 port=$2
	shift 2
	as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" \
		-U postgres -d postgres "$@"
}

# A start that fails part way leaves nothing behind, so that the next start
# is not refused for a half-made DIR.  Set while start runs.
START_DIR=
START_MADE_DIR=

start_cleanup() {
	[ -n "$START_DIR" ] || return 0
	if is_running "$START_DIR"; then
		as_owner "$BIN/pg_ctl" -D "$START_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "$START_MADE_DIR" ]; then
		rm -rf -- "$START_DIR"
	else
		find "$START_DIR" -mindepth 1 -delete 2>/dev/null || true
	fi
}

cmd_start() {
	local dir port
	dir=$(abs_dir "$1")
	port=$2
	check_port "$port"
	# The socket path must fit in sockaddr_un (108 bytes with the NUL).
	[ $((${#dir} + 18)) -lt 108 ] || die "DIR path too long for a unix socket: $dir"

	if [ -e "$dir" ]; then
		if is_running "$dir"; then
			die "a cluster is already running in $dir; stop it first"
		fi
		if [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
			die "$dir exists and is not empty; remove it or run: $0 stop $dir"
		fi
	fi
	[ -e "$dir" ] || START_MADE_DIR=1
	mkdir -p "$dir"
	START_DIR=$dir
	trap start_cleanup EXIT
	: >"$dir/$MARKER"
	if [ "$(id -u)" -eq 0 ]; then
		getent passwd postgres >/dev/null || die "running as root but there is no postgres user"
		chown -R postgres: "$dir"
		as_owner test -w "$dir" ||
			die "user postgres cannot write $dir (is a parent directory private?)"
	fi

	local log=$dir/server.log
	if ! as_owner "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed in $dir"
	fi
	# Throwaway test settings: durability off for speed, loopback only.
	# shellcheck disable=SC2016 # $1 is expanded by the inner shell
	as_owner sh -c 'cat >>"$1"' sh "$dir/data/postgresql.conf" <<-EOF

	# pg-cluster.sh: a throwaway cluster for tests
	listen_addresses = '127.0.0.1'
	port = $port
	unix_socket_directories = '$dir'
	fsync = off
	synchronous_commit = off
	full_page_writes = off
	max_connections = 200
	timezone = 'UTC'
	EOF
	if ! as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 start >/dev/null; then
		tail -n 20 "$log" >&2 || true
		die "the server did not start (is port $port in use?)"
	fi
	psql_admin "$dir" "$port" -c "CREATE ROLE guanai SUPERUSER LOGIN" ||
		die "could not create role guanai"
	START_DIR=
	echo "postgresql://guanai@127.0.0.1:$port/postgres"
}

cmd_createdb() {
	local dir port name
	dir=$(abs_dir "$1")
	port=$2
	name=$3
	check_port "$port"
	# A plain identifier, so it needs no quoting in SQL or in the URL.
	[[ "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "NAME must match [a-z_][a-z0-9_]*: '$name'"
	is_running "$dir" || die "no cluster running in $dir"
	# "Fresh" means fresh: a database left by an earlier run goes first.
	psql_admin "$dir" "$port" \
		-c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
		-c "CREATE DATABASE $name OWNER guanai" >/dev/null
	echo "postgresql://guanai@127.0.0.1:$port/$name"
}

cmd_stop() {
	local dir
	dir=$(abs_dir "$1")
	if [ ! -e "$dir" ]; then
		echo "pg-cluster: $dir does not exist; nothing to stop" >&2
		return 0
	fi
	[ -f "$dir/$MARKER" ] || die "$dir was not made by pg-cluster.sh; not removing it"
	if is_running "$dir"; then
		as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ||
			die "could not stop the server in $dir"
	fi
	rm -rf -- "$dir"
}

[ $# -ge 1 ] || usage
BIN=$(find_bindir)
case "$1" in
start)
	[ $# -eq 3 ] || usage
	cmd_start "$2" "$3"
	;;
createdb)
	[ $# -eq 4 ] || usage
	cmd_createdb "$2" "$3" "$4"
	;;
stop)
	[ $# -eq 2 ] || usage
	cmd_stop "$2"
	;;
*) usage ;;
esac
