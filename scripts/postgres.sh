#!/usr/bin/env bash
# A throwaway PostgreSQL server for the audit-log tests.
#
#   bash scripts/postgres.sh          # start (or reuse) it; prints ONLY its URL on stdout
#   bash scripts/postgres.sh stop     # stop it and delete its folder
#
# Installs Debian's postgresql when no server binaries are found (as root: apt-get), runs a
# private cluster in ${PROSPER_PG_DIR:-/tmp/prosper-pg-<uid>} listening on 127.0.0.1 only (trust
# auth, fsync off: test data only), creates the database prosper_test and prints
#   postgresql+psycopg://prosper@127.0.0.1:<port>/prosper_test
# A second call reuses the running server. Logs go to stderr; on any failure nothing is printed
# on stdout and the exit status is non-zero.
set -euo pipefail

exec 3>&1 1>&2 # fd 3 is the real stdout; everything else goes to stderr
log() { echo "postgres.sh: $*" >&2; }

DIR="${PROSPER_PG_DIR:-${TMPDIR:-/tmp}/prosper-pg-$(id -u)}"
DB=prosper_test
DB_USER=prosper

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return 0
  fi
  return 1
}

# Run a server binary as an unprivileged user: PostgreSQL refuses to run as root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null; then
      runuser -u postgres -- "$@"
    else
      su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  local py
  py=$(command -v python3 || command -v python || true)
  if [ -z "$py" ]; then
    echo 55432
    return
  fi
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  local bindir
  if [ -d "$DIR/data" ] && bindir=$(find_bindir); then
    as_owner "$bindir/pg_ctl" -D "$DIR/data" -m fast -w stop || true
  fi
  rm -rf "$DIR"
  log "stopped and removed $DIR"
}

if [ "${1:-}" = "stop" ]; then
  stop
  exit 0
fi

if ! BINDIR=$(find_bindir); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q postgresql
  fi
  BINDIR=$(find_bindir) || {
    log "no PostgreSQL server binaries found and cannot install them"
    exit 1
  }
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  log "running as root but there is no 'postgres' user to run the server as"
  exit 1
fi

mkdir -p "$DIR"
exec 9>"$DIR/.lock" # concurrent calls queue here instead of racing on initdb
if command -v flock >/dev/null; then
  flock -w 120 9
fi
if [ "$(id -u)" = 0 ]; then
  chown postgres "$DIR"
fi

if [ ! -s "$DIR/port" ] || ! as_owner "$BINDIR/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    rm -rf "$DIR/data"
    log "initdb in $DIR/data"
    as_owner "$BINDIR/initdb" -D "$DIR/data" -U "$DB_USER" -A trust -E UTF8 --locale=C --no-sync >&2
  fi
  PORT=$(free_port)
  log "starting PostgreSQL ($BINDIR) on 127.0.0.1:$PORT"
  as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=100" \
    >&2 3>&- 9>&- || { # the server must not hold our stdout (fd 3) or the lock (fd 9) open
    log "server did not start; its log:"
    tail -n 20 "$DIR/server.log" >&2 || true
    exit 1
  }
  echo "$PORT" >"$DIR/port"
fi
PORT=$(cat "$DIR/port")

if ! as_owner "$BINDIR/psql" -X -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_owner "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$DB"
fi
as_owner "$BINDIR/psql" -X -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB" -qtAc "SELECT 1" >/dev/null

echo "postgresql+psycopg://$DB_USER@127.0.0.1:$PORT/$DB" >&3
