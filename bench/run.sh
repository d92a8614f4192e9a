#!/usr/bin/env bash
# The benchmark (make bench): a generated park of 50,000 companies (with 5,000 applications and
# 20,000 reviews, 5,000 residents, 2,000 grants, 1,000 resources and up to 1,000,000 bookings) served the production way
# (gunicorn, DEBUG off) on SQLite and on PostgreSQL, driven by wrk. See docs/benchmarks.md.
#
# Settings (environment):
#   BENCH_COMPANIES   companies in the generated park          (50000)
#   BENCH_APPLICATIONS applications to the bench call, 300 experts, 4 filed reviews each (5000)
#   BENCH_RESIDENTS   residents of the generated park          (5000)
#   BENCH_AWARDS      grants (5 tranches each) on 100 cohorts × 20 participants (2000)
#   BENCH_BOOKINGS_PG / BENCH_BOOKINGS_SQLITE  bookings of 1,000 resources (1000000 / 200000)
#   BENCH_ENGINEERING_REQUESTS service requests of the engineering centre (10000)
#   BENCH_TIME_ENTRIES engineers' time entries on their work orders (100000)
#   BENCH_DATABASES   which databases, in order                ("sqlite postgres")
#   BENCH_PG_URL      the PostgreSQL server's maintenance URL  (postgres://postgres@127.0.0.1:5432/postgres)
#   BENCH_PG_DB       the benchmark's own database, recreated  (technopark_bench)
#   BENCH_WORKERS     gunicorn sync workers                    (4)
#   BENCH_DURATION    wrk run per URL                          (20s)
#   BENCH_THREADS / BENCH_CONNECTIONS                          (2 / 16)
#   BENCH_PORT        where gunicorn listens                   (8765)
#   BENCH_KEEP_DATA=1 measure the data of the last run again (after a code change): no new
#                     database, no generation, only `migrate`; the BENCH_* sizes are then ignored
#   BENCH_WRITERS=0   the pages only: no optimiser, no concurrent writers
#   BENCH_ONLY=regex  wrk only the pages whose label matches (and the ceiling): "queue|company list"
#   BENCH_STRICT=1    exit 1 when a target is missed, a query count grows or a first visit
#                     after a write takes over 25 ms in-process
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
COMPANIES="${BENCH_COMPANIES:-50000}"
APPLICATIONS="${BENCH_APPLICATIONS:-5000}"
RESIDENTS="${BENCH_RESIDENTS:-5000}"
AWARDS="${BENCH_AWARDS:-2000}"
BOOKINGS_PG="${BENCH_BOOKINGS_PG:-1000000}"
BOOKINGS_SQLITE="${BENCH_BOOKINGS_SQLITE:-200000}"
ENGINEERING_REQUESTS="${BENCH_ENGINEERING_REQUESTS:-10000}"
TIME_ENTRIES="${BENCH_TIME_ENTRIES:-100000}"
DATABASES="${BENCH_DATABASES:-sqlite postgres}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="${BENCH_PG_DB:-technopark_bench}"
WORKERS="${BENCH_WORKERS:-4}"
DURATION="${BENCH_DURATION:-20s}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
PORT="${BENCH_PORT:-8765}"
KEEP_DATA="${BENCH_KEEP_DATA:-0}"
WRITERS="${BENCH_WRITERS:-1}"
ONLY="${BENCH_ONLY:-}"
RESULTS="$ROOT/bench/results"
BASE="http://127.0.0.1:$PORT"
GUNICORN_PID=""

log() { printf '\n== %s ==\n' "$*"; }

# --- wrk ------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing wrk (Debian package)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
    else
        echo "wrk is not installed: install the Debian package 'wrk' (apt-get install wrk) as root." >&2
        exit 1
    fi
fi

# --- the server, and stopping it whatever happens ---------------------------------------------------
stop_server() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$GUNICORN_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    GUNICORN_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

start_server() {
    local db="$1"
    # Sync workers, as `make serve` runs; no access log (it would measure the log's writing).
    "$GUNICORN" technopark.wsgi:application \
        --pythonpath "$ROOT,$ROOT/src" \
        --bind "127.0.0.1:$PORT" \
        --workers "$WORKERS" --worker-class sync \
        --log-level warning --error-logfile "$RESULTS/gunicorn-$db.log" &
    GUNICORN_PID=$!
    for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null "$BASE/bench/ceiling/" 2>/dev/null; then
            return 0
        fi
        kill -0 "$GUNICORN_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "gunicorn did not start; see $RESULTS/gunicorn-$db.log" >&2
    cat "$RESULTS/gunicorn-$db.log" >&2 || true
    exit 1
}

# --- one database ------------------------------------------------------------------------------------
bench_database() {
    local db="$1"
    export TECHNOPARK_VAR_DIR="$ROOT/var/bench/$db"
    mkdir -p "$TECHNOPARK_VAR_DIR"
    # A new database needs an empty cache: the file cache would otherwise answer from the last run.
    rm -rf "$TECHNOPARK_VAR_DIR/cache" "$TECHNOPARK_VAR_DIR/cache-pages"
    case "$db" in
        sqlite)
            [ "$KEEP_DATA" = 1 ] || rm -f "$TECHNOPARK_VAR_DIR"/bench.sqlite3*
            export DATABASE_URL="sqlite:///$TECHNOPARK_VAR_DIR/bench.sqlite3"
            ;;
        postgres)
            if [ "$KEEP_DATA" = 1 ]; then
                : # the database of the last run, kept
            elif ! "$PY" -m bench.database recreate "$PG_URL" "$PG_DB"; then
                echo "SKIP: PostgreSQL unreachable at $PG_URL" >&2
                return 0
            fi
            export DATABASE_URL="${PG_URL%/*}/$PG_DB"
            echo "POSTGRESQL=$("$PY" -m bench.database version "$DATABASE_URL")" >>"$RESULTS/meta.env"
            ;;
        *)
            echo "unknown database: $db (sqlite or postgres)" >&2
            exit 2
            ;;
    esac

    if [ "$KEEP_DATA" = 1 ]; then
        log "$db: the data of the last run, migrated"
        "$PY" manage.py migrate --noinput -v0
    else
        log "$db: migrate, seed the demo, generate $COMPANIES companies"
        "$PY" manage.py migrate --noinput -v0
        # A throw-away database in production mode: the demo commands are told so explicitly.
        "$PY" manage.py seed_demo --allow-in-production >/dev/null
        local bookings="$BOOKINGS_SQLITE"
        [ "$db" = postgres ] && bookings="$BOOKINGS_PG"
        "$PY" manage.py generate_park --allow-in-production --park yakutia --companies "$COMPANIES" \
            --applications "$APPLICATIONS" --experts 300 --reviews 4 --residents "$RESIDENTS" \
            --cohorts 100 --cohort-size 20 --awards "$AWARDS" --resources 1000 --bookings "$bookings" \
            --engineering-requests "$ENGINEERING_REQUESTS" --time-entries "$TIME_ENTRIES"
    fi
    "$PY" manage.py collectstatic --noinput -v0
    unset BENCH_CALL_ID BENCH_COHORT_ID BENCH_EXPERT_SESSION BENCH_FOUNDER_SESSION
    eval "$("$PY" -m bench.prepare)"
    export BENCH_CALL_ID BENCH_COHORT_ID  # bench.targets reads them

    log "$db: queries per request (small park against the generated one), first visits after a write"
    "$PY" -m bench.query_counts | tee "$RESULTS/queries-$db.md" || QUERY_CHECKS_FAILED=1
    # The heaviest month's charges for the whole park, in one process (target: 2 s).
    "$PY" -m bench.engineering | tee "$RESULTS/engineering-$db.txt" || QUERY_CHECKS_FAILED=1

    start_server "$db"
    while IFS=$'\t' read -r label path auth share; do
        if [ -n "$ONLY" ] && [ "$path" != /bench/ceiling/ ] && ! [[ "$label" =~ $ONLY ]]; then
            continue
        fi
        local header=()
        case "$auth" in
            session) header=(-H "Cookie: sessionid=$BENCH_SESSION; csrftoken=$BENCH_CSRF") ;;
            expert) header=(-H "Cookie: sessionid=$BENCH_EXPERT_SESSION") ;;
            founder) header=(-H "Cookie: sessionid=$BENCH_FOUNDER_SESSION") ;;
            token) header=(-H "Authorization: Bearer $BENCH_TOKEN") ;;
        esac
        # A redirect to the sign-in page would be fast and wrong: a page must answer 200 first.
        local status
        status=$(curl -s -o /dev/null -w '%{http_code}' "${header[@]}" "$BASE$path")
        log "$db: $label ($path): HTTP $status"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "${header[@]}" "$BASE$path" >/dev/null # warm up
        # The machine's speed drifts over a run (other work takes cores from the server: the load
        # says how much), so every page is compared with a ceiling measured right before it.
        local load result paired=""
        if [ "$path" != "/bench/ceiling/" ]; then
            paired=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/report.lua \
                "$BASE/bench/ceiling/" | grep '^BENCH_RESULT' | grep -o 'rps=[0-9.]*' | cut -d= -f2)
        fi
        load=$(cut -d' ' -f1 /proc/loadavg)
        result=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/report.lua \
            "${header[@]}" "$BASE$path" | tee "$RESULTS/wrk-$db-${label// /-}.txt" | grep '^BENCH_RESULT')
        echo "$result (ceiling just before: ${paired:-this} req/s)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$label" "$path" "$share" "$status" \
            "$load" "$result" "$paired" >>"$RESULTS/raw.tsv"
    done < <("$PY" -m bench.targets)
    stop_server

    if [ "$WRITERS" = 0 ]; then
        return 0
    fi
    log "$db: measurements in one process"
    "$PY" -m bench.optimiser | tee "$RESULTS/optimiser-$db.txt"
    if [ "$db" = postgres ]; then
        # Concurrent writers: booking creation and tranche payment, 8 clients each.
        "$PY" -m bench.spaces | tee "$RESULTS/spaces-$db.txt"
        "$PY" -m bench.grants | tee "$RESULTS/grants-$db.txt"
        # Audited writes in two parks at once, 8 clients each: one shared chain against a chain
        # per park (docs/benchmarks.md, "The audit chain").
        "$PY" -m bench.audit | tee "$RESULTS/audit-$db.txt"
    fi
}

mkdir -p "$RESULTS"
rm -f "$RESULTS"/raw.tsv "$RESULTS"/queries-*.md "$RESULTS"/wrk-*.txt "$RESULTS"/engineering-*.txt "$RESULTS"/network.txt
QUERY_CHECKS_FAILED=0
{
    echo "COMPANIES=$COMPANIES"
    echo "GUNICORN_WORKERS=$WORKERS (sync)"
    echo "WRK=$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), $THREADS threads, $CONNECTIONS connections, $DURATION per URL after 3s warm-up"
    echo "SQLITE=$("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)')"
} >"$RESULTS/meta.env"

# The production way: DEBUG off and every secure default on, except what needs HTTPS.
export TECHNOPARK_PRODUCTION=1
export TECHNOPARK_SECRET_KEY="bench-only-$(date +%s)-not-a-secret"
export TECHNOPARK_AUDIT_KEY="bench-only-audit-key-$(date +%s)-not-a-secret"
export TECHNOPARK_ALLOWED_HOSTS=127.0.0.1
export TECHNOPARK_SSL_REDIRECT=0
export TECHNOPARK_SECURE_COOKIES=0
export TECHNOPARK_MFA_REQUIRED_FOR_STAFF=0
export DJANGO_SETTINGS_MODULE=bench.bench_settings
export PYTHONPATH="$ROOT:$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"

for db in $DATABASES; do
    bench_database "$db"
done

# Batch matching and match scores of the network (pure Python, no database): issue 13's targets.
log "network: batch matching of 2,000 companies x 300 mentors, scores against 10,000 profiles"
"$PY" -m bench.network | tee "$RESULTS/network.txt" || QUERY_CHECKS_FAILED=1

log "results (also in bench/results/latest.md)"
status=0
"$PY" -m bench.report "$RESULTS" || status=$?
if [ "${BENCH_STRICT:-0}" = 1 ] && { [ "$status" != 0 ] || [ "$QUERY_CHECKS_FAILED" != 0 ]; }; then
    exit 1
fi
