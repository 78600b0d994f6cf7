#!/usr/bin/env bash
# `make prod-local`: the production stack on this machine, with the production settings, against
# the local PostgreSQL and Redis: migrate, collectstatic, then gunicorn, a Celery worker for the
# default queue, a Celery worker for the `pdf` queue and Celery beat. Ctrl-C (or SIGTERM) stops
# them all; if one of them dies, the others are stopped too.
#
# Every variable of docs/deployment.md may be set beforehand; the defaults below only make the
# stack run over plain HTTP on 127.0.0.1 (no TLS redirect, no HSTS, cookies without Secure).
# The CI smoke test (scripts/ci-production-smoke.sh) runs this script with its own values.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
STATE=${CEIS_PROD_LOCAL_DIR:-$PWD/var/prod-local}
mkdir -p "$STATE/log"
LOGS=$STATE/log

export DJANGO_SETTINGS_MODULE=ceis.settings.production
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ceis_prodlocal}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-False}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-False}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-False}
export CEIS_MEDIA_ROOT=${CEIS_MEDIA_ROOT:-$STATE/media}
export CELERY_BEAT_SCHEDULE_FILENAME=${CELERY_BEAT_SCHEDULE_FILENAME:-$STATE/celerybeat-schedule}
export GUNICORN_BIND=${GUNICORN_BIND:-$HOST:$PORT}
if [ -z "${SECRET_KEY:-}" ]; then
  # Kept between runs so that sessions survive a restart; never committed (var/ is ignored).
  if [ ! -s "$STATE/secret-key" ]; then
    (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$STATE/secret-key")
  fi
  SECRET_KEY=$(cat "$STATE/secret-key")
fi
export SECRET_KEY
if [ -z "${CEIS_FIELD_ENCRYPTION_KEYS:-}" ]; then
  # Like the secret key: kept between runs (the notes encrypted with it must stay readable).
  if [ ! -s "$STATE/field-encryption-key" ]; then
    (umask 077 && "$BIN/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' >"$STATE/field-encryption-key")
  fi
  CEIS_FIELD_ENCRYPTION_KEYS=$(cat "$STATE/field-encryption-key")
fi
export CEIS_FIELD_ENCRYPTION_KEYS

# Something already answering there would pass the health check below in gunicorn's place.
if curl -s -o /dev/null --max-time 2 "http://$GUNICORN_BIND/"; then
  echo "Le port de $GUNICORN_BIND est déjà pris : choisissez-en un autre (PORT=…)." >&2
  exit 1
fi
"$BIN/gunicorn" --version >/dev/null 2>&1 || {
  echo "gunicorn manque dans $BIN : lancez « make setup » (requirements.txt)." >&2
  exit 1
}

# The database of DATABASE_URL is created when it does not exist yet.
"$BIN/python" - <<'PY'
import os

import environ
import psycopg2

db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None,
          "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
conn = psycopg2.connect(dbname="postgres", **params)
conn.autocommit = True
with conn.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
    if cursor.fetchone() is None:
        cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        print(f"Base {db['NAME']} créée.")
conn.close()
PY
"$BIN/python" manage.py migrate --noinput --verbosity 0
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

PIDS=()
: >"$STATE/pids"
start() {
  # Each process gets its own session: Ctrl-C must not reach Celery's pool processes directly
  # (Celery then hangs in shutdown); stop() below stops each one by its PID instead.
  local log=$1
  shift
  setsid "$@" >"$LOGS/$log.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >>"$STATE/pids"
}

stop() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    # Whatever is left in that process's own session (pool processes) is ended for good.
    kill -KILL -- -"$pid" 2>/dev/null || true
  done
  rm -f "$STATE/pids"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start web "$BIN/gunicorn" -c gunicorn.conf.py
start worker nice -n "${CEIS_WORKER_NICE:-10}" "$BIN/celery" -A ceis worker -Q celery --hostname "default@%h" \
  --concurrency "${CELERY_WORKER_CONCURRENCY:-2}" --loglevel "${CEIS_LOG_LEVEL:-INFO}"
start worker-pdf nice -n "${CEIS_WORKER_NICE:-10}" "$BIN/celery" -A ceis worker -Q pdf --hostname "pdf@%h" \
  --concurrency "${CELERY_PDF_CONCURRENCY:-2}" \
  --max-tasks-per-child "${CELERY_PDF_MAX_TASKS_PER_CHILD:-20}" --loglevel "${CEIS_LOG_LEVEL:-INFO}"
start beat "$BIN/celery" -A ceis beat --loglevel "${CEIS_LOG_LEVEL:-INFO}"

URL="http://$GUNICORN_BIND/"
for _ in $(seq 60); do
  curl -fsS "${URL}healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "${URL}healthz" >/dev/null 2>&1 || {
  echo "CEIS ne répond pas sur ${URL}healthz ; journaux dans $LOGS :" >&2
  tail -n 20 "$LOGS"/*.log >&2
  exit 1
}

cat <<MSG

  CEIS (réglages de production) est prêt : $URL
  gunicorn, worker Celery (files celery et pdf) et Celery beat démarrés ; journaux : $LOGS
  Base : $(sed -E 's#//[^@/]*@#//#; s#\?.*##' <<<"$DATABASE_URL")   Broker : $(sed -E 's#//[^@/]*@#//#' <<<"$CELERY_BROKER_URL")
  Premier compte : DATABASE_URL=… $BIN/python manage.py create_user NOM --role admin --wet-run
  Ctrl-C arrête tout.

MSG

# Returns as soon as one process ends (or on Ctrl-C): the EXIT trap then stops the others.
set +e
wait -n "${PIDS[@]}"
status=$?
set -e
echo "Un processus s'est arrêté (code $status) ; arrêt des autres. Journaux : $LOGS" >&2
exit 1
