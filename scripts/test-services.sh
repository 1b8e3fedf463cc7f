#!/usr/bin/env bash
# Provision local services needed by the Habeas test suite.
#
# Usage:
#   scripts/test-services.sh chromium       # check that Chromium is there; if not, say how to install it
#   scripts/test-services.sh chromium-install  # install Debian's chromium if /usr/bin/chromium is missing (root only; CI)
#   scripts/test-services.sh office         # check that LibreOffice and poppler-utils are there (DOCX and PDF tests)
#   scripts/test-services.sh office-install # install Debian's libreoffice-writer-nogui and poppler-utils if missing (root only; CI)
#   scripts/test-services.sh gettext        # check that msgfmt (GNU gettext) is there; if not, say how to install it
#   scripts/test-services.sh gettext-install  # install Debian's gettext if msgfmt is missing (root only; CI)
#   scripts/test-services.sh postgres       # ensure a throwaway PostgreSQL 15 test server is running;
#                                           # last line of stdout is its URL
#   scripts/test-services.sh postgres-stop  # stop that server if it is running
#
# Environment:
#   HABEAS_TEST_PG_PORT  TCP port on 127.0.0.1 (default 54329)
#   HABEAS_TEST_PG_DIR   directory holding data/ and postgres.log (default $PWD/.test-postgres)
#   HABEAS_TEST_PG_BIN   PostgreSQL bin dir (default /usr/lib/postgresql/15/bin)
#
# Typical use (Makefile):
#   HABEAS_DATABASE_URL=$$(scripts/test-services.sh postgres | tail -n1)
#
# Idempotent; quiet on success; prints one line to stderr and exits non-zero on failure.
set -euo pipefail

PROG=${0##*/}
PG_PORT=${HABEAS_TEST_PG_PORT:-54329}
PG_HOST=127.0.0.1
PG_OS_USER=postgres   # system user owning the cluster when we run as root
PG_SUPERUSER=postgres # database superuser name (initdb -U), independent of the OS user
APP_ROLE=habeas
APP_DB=habeas

die() {
    echo "$PROG: $*" >&2
    exit 1
}

usage() {
    echo "usage: $PROG {chromium|chromium-install|office|office-install|gettext|gettext-install|postgres|postgres-stop}" >&2
    exit 2
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# --------------------------------------------------------------------------- chromium

# The browser tests look for Chromium at $HABEAS_CHROMIUM (default /usr/bin/chromium).
CHROMIUM=${HABEAS_CHROMIUM:-/usr/bin/chromium}
CHROMIUM_INSTALL="apt-get update && apt-get install -y chromium"

# A test run only checks: installing system packages is the machine owner's
# choice (CI does it with chromium-install before make test).
cmd_chromium() {
    [ -x "$CHROMIUM" ] && return 0
    die "chromium: $CHROMIUM missing (the browser tests need it); install it as root: $CHROMIUM_INSTALL"
}

# Debian's package, at /usr/bin/chromium.
cmd_chromium_install() {
    [ -x /usr/bin/chromium ] && return 0
    if ! is_root; then
        die "chromium: /usr/bin/chromium missing; install it as root: $CHROMIUM_INSTALL"
    fi
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/habeas-chromium-install.XXXXXX.log")
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get update -qq </dev/null >"$log" 2>&1; then
        die "chromium: 'apt-get update' failed (log: $log)"
    fi
    if ! apt-get install -y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 \
            chromium </dev/null >>"$log" 2>&1; then
        die "chromium: 'apt-get install chromium' failed (log: $log)"
    fi
    [ -x /usr/bin/chromium ] || die "chromium: installed but /usr/bin/chromium is missing (log: $log)"
    rm -f "$log"
}

# --------------------------------------------------------------------------- office

# The document tests open each DOCX in LibreOffice (headless, soffice) and read
# PDFs back with pdftotext and pdftoppm (poppler-utils).
OFFICE_PACKAGES="libreoffice-writer-nogui poppler-utils"
OFFICE_INSTALL="apt-get update && apt-get install -y $OFFICE_PACKAGES"

office_present() { command -v soffice >/dev/null && command -v pdftotext >/dev/null; }

cmd_office() {
    office_present && return 0
    die "office: soffice or pdftotext missing (the document tests need them); install them as root: $OFFICE_INSTALL"
}

cmd_office_install() {
    office_present && return 0
    is_root || die "office: soffice or pdftotext missing; install them as root: $OFFICE_INSTALL"
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/habeas-office-install.XXXXXX.log")
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >"$log" 2>&1 || die "office: 'apt-get update' failed (log: $log)"
    # shellcheck disable=SC2086  # a list of package names
    apt-get install -y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 $OFFICE_PACKAGES \
        </dev/null >>"$log" 2>&1 || die "office: 'apt-get install $OFFICE_PACKAGES' failed (log: $log)"
    office_present || die "office: installed but soffice or pdftotext is missing (log: $log)"
    rm -f "$log"
}

# --------------------------------------------------------------------------- gettext

# The translations (habeas/locale/*/LC_MESSAGES/django.po) are compiled to .mo by
# GNU gettext's msgfmt at install, before a test run and in make lint's check.
GETTEXT_INSTALL="apt-get update && apt-get install -y gettext"

cmd_gettext() {
    command -v msgfmt >/dev/null && return 0
    die "gettext: msgfmt missing (the translations are compiled with it); install it as root: $GETTEXT_INSTALL"
}

cmd_gettext_install() {
    command -v msgfmt >/dev/null && return 0
    is_root || die "gettext: msgfmt missing; install it as root: $GETTEXT_INSTALL"
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/habeas-gettext-install.XXXXXX.log")
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >"$log" 2>&1 || die "gettext: 'apt-get update' failed (log: $log)"
    apt-get install -y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 gettext \
        </dev/null >>"$log" 2>&1 || die "gettext: 'apt-get install gettext' failed (log: $log)"
    command -v msgfmt >/dev/null || die "gettext: installed but msgfmt is missing (log: $log)"
    rm -f "$log"
}

# --------------------------------------------------------------------------- postgres helpers

find_pg_bin() {
    case "$PG_PORT" in
        '' | *[!0-9]*) die "HABEAS_TEST_PG_PORT must be a port number, got '$PG_PORT'" ;;
    esac
    if [ -n "${HABEAS_TEST_PG_BIN:-}" ]; then
        PG_BIN=$HABEAS_TEST_PG_BIN
    else
        PG_BIN=/usr/lib/postgresql/15/bin
    fi
    [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/initdb" ] ||
        die "postgres: PostgreSQL server binaries not found in $PG_BIN (set HABEAS_TEST_PG_BIN)"
}

# Connection parameters are always explicit; ignore ambient libpq overrides.
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGOPTIONS PGPASSFILE 2>/dev/null || true

# Close every inherited fd above 2 in the current (sub)shell, so the long-lived
# postmaster holds neither our lock fd nor any pipe of the caller (a CI runner or
# `$(...)` waiting for EOF would otherwise hang).
close_extra_fds() {
    local f n
    for f in /proc/"$BASHPID"/fd/*; do
        n=${f##*/}
        if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
    done
}

# Run a command as the cluster owner: the postgres system user when we are root,
# ourselves otherwise. cd / first so an untraversable cwd (e.g. /tmp/xyz mode 700)
# does not break initdb/pg_ctl.
as_pg() {
    if is_root; then
        (close_extra_fds && cd / && exec runuser -u "$PG_OS_USER" -- "$@")
    else
        (close_extra_fds && cd / && exec "$@")
    fi
}

# Run a command as a given OS user (root: via runuser), with a clean fd table.
as_user() {
    local user=$1
    shift
    if is_root && [ "$user" != root ]; then
        (close_extra_fds && cd / && exec runuser -u "$user" -- "$@")
    else
        (close_extra_fds && cd / && exec "$@")
    fi
}

pg_ready() {
    # 0 = accepting connections
    "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

admin_psql() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -At "$@" </dev/null
}

ensure_pg_user() {
    is_root || return 0
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0 # Debian's postgresql-common usually created it
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
        --shell /usr/sbin/nologin "$PG_OS_USER" >/dev/null 2>&1 ||
        die "postgres: could not create system user '$PG_OS_USER'"
}

# Pick the directory holding data/ and postgres.log. Sets PG_BASE, PG_DATA, PG_LOG.
#
# Not under var/: Habeas makes its data directory its owner's only (0700) at every
# start, which would take the postgres user's way to a cluster inside it away while
# the server runs.
#
# The postgres system user must be able to traverse every parent of the data dir.
# A checkout under e.g. /tmp/tmp.XXXX (mode 700, root-owned) is not traversable, so in
# that case the cluster lives in /var/tmp/habeas-test-postgres-$PORT instead (outside
# the checkout, survives until /var/tmp is cleaned; `postgres-stop` still finds it).
resolve_base() {
    local want=${HABEAS_TEST_PG_DIR:-$PWD/.test-postgres}
    case "$want" in /*) ;; *) want=$PWD/$want ;; esac
    local fallback=/var/tmp/habeas-test-postgres-$PG_PORT

    PG_BASE=$want
    if is_root; then
        local anc=$want
        while [ ! -e "$anc" ]; do anc=$(dirname "$anc"); done
        if [ -d "$anc" ] && as_pg test -x "$anc" 2>/dev/null; then
            (umask 022 && mkdir -p "$want") 2>/dev/null || die "postgres: cannot create $want"
            as_pg test -x "$want" 2>/dev/null || PG_BASE=$fallback
        else
            PG_BASE=$fallback
        fi
        if [ "$PG_BASE" = "$fallback" ]; then
            (umask 022 && mkdir -p "$fallback") || die "postgres: cannot create $fallback"
        fi
    else
        mkdir -p "$want" || die "postgres: cannot create $want"
    fi
    PG_DATA=$PG_BASE/data
    PG_LOG=$PG_BASE/postgres.log
}

# initdb the cluster if it does not exist yet.
ensure_cluster() {
    [ -f "$PG_DATA/PG_VERSION" ] && return 0
    if [ -d "$PG_DATA" ] && [ -n "$(ls -A "$PG_DATA" 2>/dev/null)" ]; then
        die "postgres: $PG_DATA exists, is not empty and is not a cluster; remove it and retry"
    fi
    mkdir -p -m 700 "$PG_DATA"
    if is_root; then chown "$PG_OS_USER:" "$PG_DATA"; fi
    chmod 700 "$PG_DATA"

    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=C.UTF-8; fi

    local initlog=$PG_BASE/initdb.log
    # Throwaway cluster for tests: trust auth, but only reachable on 127.0.0.1 (no unix socket).
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust \
            --encoding=UTF8 --locale="$locale" --no-instructions >"$initlog" 2>&1; then
        die "postgres: initdb failed (log: $initlog)"
    fi
    rm -f "$initlog"
    # Appending as root keeps the file's postgres ownership.
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- added by scripts/test-services.sh (throwaway test cluster) ---
listen_addresses = '$PG_HOST'
port = $PG_PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_parallel_workers_per_gather = 0
EOF
}

# Remove a postmaster.pid left behind by a server that no longer exists (e.g. the
# container was restarted; its PID may now belong to an unrelated process, which
# would make postgres refuse to start).
clear_stale_pidfile() {
    local pidfile=$PG_DATA/postmaster.pid pid comm
    [ -f "$pidfile" ] || return 0
    pid=$(head -n1 "$pidfile" 2>/dev/null || true)
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    if [ -n "$pid" ] && [ "$comm" = postgres ]; then
        return 1 # a live postmaster owns this data dir
    fi
    rm -f "$pidfile"
}

wait_ready() {
    local i
    for i in $(seq 1 60); do
        pg_ready && return 0
        sleep 0.5
    done
    return 1
}

# Last error line written to the server log since byte offset $1.
last_log_error() {
    [ -r "$PG_LOG" ] || return 0
    tail -c +"$(($1 + 1))" "$PG_LOG" 2>/dev/null | grep -E 'FATAL|PANIC|ERROR' | tail -n1 || true
}

start_server() {
    if ! clear_stale_pidfile; then
        # Server for this data dir is already up (maybe still starting): just wait.
        wait_ready ||
            die "postgres: a server (pid $(head -n1 "$PG_DATA/postmaster.pid")) runs on $PG_DATA but does not answer on $PG_HOST:$PG_PORT"
        return 0
    fi
    # pg_ctl opens the log file as the cluster owner; pre-create it so the base dir
    # itself can stay root-owned.
    touch "$PG_LOG"
    if is_root; then chown "$PG_OS_USER:" "$PG_LOG"; fi
    local logsize
    logsize=$(stat -c %s "$PG_LOG")
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 \
            -o "-p $PG_PORT -c listen_addresses=$PG_HOST" start >/dev/null 2>&1; then
        die "postgres: server failed to start on $PG_HOST:$PG_PORT (log: $PG_LOG) $(last_log_error "$logsize")"
    fi
    wait_ready || die "postgres: server started but not accepting connections on $PG_HOST:$PG_PORT (log: $PG_LOG)"
}

ensure_role_and_db() {
    local out
    if ! out=$(admin_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE'" 2>&1); then
        die "postgres: cannot connect as $PG_SUPERUSER to $PG_HOST:$PG_PORT: ${out//$'\n'/ }"
    fi
    if [ "$out" != 1 ]; then
        admin_psql -c "CREATE ROLE $APP_ROLE LOGIN CREATEDB" >/dev/null 2>&1 ||
            die "postgres: could not create role $APP_ROLE"
    fi
    out=$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = '$APP_DB'" 2>/dev/null) ||
        die "postgres: could not query databases"
    if [ "$out" != 1 ]; then
        admin_psql -c "CREATE DATABASE $APP_DB OWNER $APP_ROLE ENCODING 'UTF8' TEMPLATE template0" >/dev/null 2>&1 ||
            die "postgres: could not create database $APP_DB"
    fi
}

with_lock() {
    # Serialise concurrent invocations for the same port (best effort).
    if command -v flock >/dev/null 2>&1; then
        local lock=${TMPDIR:-/tmp}/habeas-test-postgres-$PG_PORT.lock
        if (: >>"$lock") 2>/dev/null; then
            exec 9>>"$lock"
            flock -w 120 9 || die "postgres: timed out waiting for lock $lock"
        fi
    fi
}

# --------------------------------------------------------------------------- postgres commands

cmd_postgres() {
    find_pg_bin
    with_lock
    if ! pg_ready; then
        ensure_pg_user
        resolve_base
        ensure_cluster
        start_server
    fi
    ensure_role_and_db
    echo "postgres://$APP_ROLE@$PG_HOST:$PG_PORT/$APP_DB"
}

cmd_postgres_stop() {
    find_pg_bin
    with_lock
    local datadirs=() d owner pid
    if pg_ready; then
        # Ask the running server where it lives (works even if started from another checkout).
        d=$(admin_psql -c 'SHOW data_directory' 2>/dev/null || true)
        [ -n "$d" ] && datadirs+=("$d")
    fi
    datadirs+=("${HABEAS_TEST_PG_DIR:-$PWD/.test-postgres}/data" "/var/tmp/habeas-test-postgres-$PG_PORT/data")
    for d in "${datadirs[@]}"; do
        [ -f "$d/postmaster.pid" ] || continue
        # Only signal a live postmaster, never an unrelated process that reused a stale PID.
        pid=$(head -n1 "$d/postmaster.pid" 2>/dev/null || true)
        [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = postgres ] || continue
        owner=$(stat -c %U "$d")
        as_user "$owner" "$PG_BIN/pg_ctl" -D "$d" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    done
    if pg_ready; then
        die "postgres-stop: a server is still accepting connections on $PG_HOST:$PG_PORT"
    fi
}

# --------------------------------------------------------------------------- main

[ $# -eq 1 ] || usage
case "$1" in
    chromium) cmd_chromium ;;
    chromium-install) cmd_chromium_install ;;
    office) cmd_office ;;
    office-install) cmd_office_install ;;
    gettext) cmd_gettext ;;
    gettext-install) cmd_gettext_install ;;
    postgres) cmd_postgres ;;
    postgres-stop) cmd_postgres_stop ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
