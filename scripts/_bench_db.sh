# shellcheck shell=sh
# Shared by the bench_* scripts (sourced): a scratch database with the given addons, no demo data.

bench_db_create() {
    # $1: database, $2: comma-separated addons
    dropdb --if-exists "$1" >/dev/null 2>&1
    say "creating scratch database $1 with $2 (no demo data)"
    "$ODOO_BIN" -c "$ODOO_CONF" -d "$1" -i "$2" --without-demo=all --stop-after-init \
        --max-cron-threads=0 --log-level=warn >"$VAR_DIR/log/bench-$1.log" 2>&1 ||
        die "installing $2 failed; see $VAR_DIR/log/bench-$1.log"
}

bench_run_python() {
    # $1: database, $2: python file run inside 'odoo shell' (env is defined there)
    "$ODOO_BIN" shell -c "$ODOO_CONF" -d "$1" --no-http --max-cron-threads=0 --log-level=warn <"$2"
}
