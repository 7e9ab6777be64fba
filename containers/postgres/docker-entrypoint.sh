#!/bin/bash
# The official postgres image's contract, trimmed to what the drill uses: on an empty PGDATA, initdb with
# POSTGRES_USER (default postgres) as superuser and POSTGRES_PASSWORD, create POSTGRES_DB (default: the user),
# accept password (scram-sha-256) connections over TCP from anywhere and trust on the local socket; then run
# the server as the postgres user. Any command other than `postgres …` runs as given.
set -euo pipefail

if [ "${1:-}" != postgres ]; then exec "$@"; fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  # initdb and postgres refuse to run as root; setpriv execs, so the server stays PID 1 and gets the signals.
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo 'drill-postgres: POSTGRES_PASSWORD is required (or POSTGRES_HOST_AUTH_METHOD=trust)' >&2
    exit 2
  fi
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  echo "drill-postgres: initdb in $PGDATA for user '$user', database '$db', TCP auth $auth"
  args=(--username="$user" --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host="$auth")
  pwfile="$(umask 077 && mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then args+=(--pwfile="$pwfile"); fi
  # shellcheck disable=SC2086 # extra initdb arguments are words, as in the official image
  initdb "${args[@]}" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  printf '\nlisten_addresses = '"'*'"'\n' >> "$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Single-user mode: no temporary server, so nothing answers on TCP before the real one is up.
    printf 'CREATE DATABASE "%s";\n' "${db//\"/\"\"}" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo 'drill-postgres: init complete'
fi

exec "$@"
