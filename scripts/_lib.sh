# shellcheck shell=sh
# Shared helpers of scripts/serve and scripts/test (sourced, not run).
# They take an installed Odoo 18 as given: the `odoo` command, or the one named by ODOO_BIN.

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
CRM_SUITE_ADDONS="$ROOT/addons"
VAR_DIR="$ROOT/var"

die() {
    printf '%s: %s\n' "$(basename -- "$0")" "$*" >&2
    exit 2
}

say() {
    printf '==> %s\n' "$*"
}

# Find Odoo 18 and learn, from Odoo itself, its Python and its core addons path.
find_odoo() {
    ODOO_BIN=${ODOO_BIN:-odoo}
    if ! command -v "$ODOO_BIN" >/dev/null 2>&1; then
        die "Odoo 18.0 is missing: no '$ODOO_BIN' command. Install Odoo 18.0 Community (source, package or pip) and put 'odoo' on PATH, or set ODOO_BIN to its odoo-bin."
    fi
    ODOO_VERSION=$("$ODOO_BIN" --version 2>/dev/null | head -n 1)
    case "$ODOO_VERSION" in
        *" 18.0"*) ;;
        *) die "Odoo 18.0 is required, '$ODOO_BIN --version' says '${ODOO_VERSION:-nothing}'." ;;
    esac
    probe=$(printf '%s\n' 'import os, sys' \
        'print("ODOO_PY=" + sys.executable)' \
        'print("ODOO_ROOT=" + os.path.dirname(os.path.dirname(odoo.__file__)))' \
        'print("ODOO_CORE=" + odoo.tools.config["addons_path"])' |
        "$ODOO_BIN" shell --log-level=critical 2>/dev/null)
    ODOO_PY=${ODOO_PYTHON:-$(printf '%s\n' "$probe" | sed -n 's/^ODOO_PY=//p')}
    ODOO_CORE_ADDONS=${ODOO_CORE_ADDONS:-$(printf '%s\n' "$probe" | sed -n 's/^ODOO_CORE=//p')}
    # where the odoo package lives, for our Python launchers (scripts/odoo_core_tests.py)
    ODOO_ROOT=${ODOO_ROOT:-$(printf '%s\n' "$probe" | sed -n 's/^ODOO_ROOT=//p')}
    [ -n "$ODOO_PY" ] || die "could not learn which Python runs '$ODOO_BIN'; set ODOO_PYTHON."
    [ -n "$ODOO_CORE_ADDONS" ] || die "could not learn Odoo's core addons path; set ODOO_CORE_ADDONS."
    export ODOO_BIN ODOO_PY ODOO_CORE_ADDONS ODOO_ROOT CRM_SUITE_ADDONS
}

# Our scripts' and tests' own Python packages, installed into Odoo's Python when missing.
ensure_python_deps() {
    if ! "$ODOO_PY" -c 'import lxml, psycopg2, requests, websocket, whool' >/dev/null 2>&1; then
        say "installing requirements.txt into $ODOO_PY"
        "$ODOO_PY" -m pip install -q -r "$ROOT/requirements.txt" ||
            die "could not install requirements.txt into $ODOO_PY (pip failed)."
    fi
    # OCA addons from PyPI (requirements-oca.txt, queue_job): --no-deps, see that file
    if ! "$ODOO_PY" -c 'import importlib.util, sys; import odoo.addons; sys.exit(not importlib.util.find_spec("odoo.addons.queue_job"))' >/dev/null 2>&1; then
        say "installing requirements-oca.txt into $ODOO_PY"
        "$ODOO_PY" -m pip install -q --no-deps -r "$ROOT/requirements-oca.txt" ||
            die "could not install requirements-oca.txt into $ODOO_PY (pip failed)."
    fi
}

# PostgreSQL: start an installed but stopped local cluster, and make a role for the current user.
ensure_postgres() {
    command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1 ||
        die "PostgreSQL is missing: no 'psql'/'pg_isready'. Install PostgreSQL >= 13 (Debian: apt-get install postgresql)."
    export PGHOST=${PGHOST:-} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(id -un)} PGPASSWORD=${PGPASSWORD:-}
    if ! pg_isready -q; then
        command -v pg_lsclusters >/dev/null 2>&1 ||
            die "PostgreSQL is not running and this is not a Debian-style install (no pg_lsclusters): start it yourself."
        pg_lsclusters --no-header | while read -r ver name _port status _rest; do
            case "$status" in
                down*)
                    say "starting PostgreSQL cluster $ver/$name"
                    if [ "$(id -u)" = 0 ]; then
                        pg_ctlcluster "$ver" "$name" start
                    else
                        sudo -n pg_ctlcluster "$ver" "$name" start
                    fi
                    ;;
            esac
        done
        [ -n "$(pg_lsclusters --no-header 2>/dev/null)" ] ||
            die "PostgreSQL is installed but has no cluster: create one (Debian: pg_createcluster 15 main --start)."
        i=0
        until pg_isready -q; do
            i=$((i + 1))
            [ "$i" -gt 30 ] && die "PostgreSQL did not start within 30 s; see /var/log/postgresql/."
            sleep 1
        done
    fi
    if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        say "creating PostgreSQL role $PGUSER"
        if [ "$(id -u)" = 0 ]; then
            su postgres -c "createuser -U postgres --superuser '$PGUSER'" ||
                die "could not create PostgreSQL role $PGUSER."
        else
            sudo -n -u postgres createuser -U postgres --createdb "$PGUSER" ||
                die "could not create PostgreSQL role $PGUSER: ask an administrator to run 'createuser --createdb $PGUSER'."
        fi
    fi
}

db_exists() {
    [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" = 1 ]
}

# Write var/odoo.conf from config/odoo.conf with the environment's values.
write_conf() {
    mkdir -p "$VAR_DIR"
    export CRM_SUITE_DB=${CRM_SUITE_DB:-} CRM_SUITE_PORT=${CRM_SUITE_PORT:-8069}
    # threaded server with one cron thread unless scripts/serve --workers says otherwise
    export CRM_SUITE_WORKERS=${CRM_SUITE_WORKERS:-0} CRM_SUITE_CRON_THREADS=${CRM_SUITE_CRON_THREADS:-1}
    export CRM_SUITE_GEVENT_PORT=${CRM_SUITE_GEVENT_PORT:-8072}
    export ODOO_ADMIN_PASSWD=${ODOO_ADMIN_PASSWD:-$("$ODOO_PY" -c 'import secrets; print(secrets.token_urlsafe(24))')}
    "$ODOO_PY" - "$ROOT/config/odoo.conf" "$VAR_DIR/odoo.conf" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = re.sub(r"\$\{(\w+)\}", lambda m: os.environ.get(m.group(1), ""), text)
text = text.replace("dbfilter = ^$\n", "dbfilter =\n")
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
    ODOO_CONF="$VAR_DIR/odoo.conf"
}

# Odoo's browser tests (HttpCase tours) need Chromium; without it they would be skipped silently.
ensure_chromium() {
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$b" >/dev/null 2>&1 && return 0
    done
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Chromium for the browser tests (apt-get install chromium)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 ||
            die "Chromium is missing and could not be installed: install it (Debian: apt-get install chromium)."
    else
        die "Chromium is missing: the browser tests need it (Debian: apt-get install chromium)."
    fi
}
