#!/usr/bin/env bash
# CI: the production stack (scripts/prod-local.sh: production settings, gunicorn, a Celery worker
# per queue and beat) on a fresh PostgreSQL database `ceis_smoke` and Redis db 13, on a spare port
# in 8300-8399. A manager logs in over HTTP, creates a bilan, asks for its PDF, waits for the PDF
# worker, downloads the file and checks that it is a PDF. Everything started here is stopped at
# the end, on failure too. Needs .venv (`make test` creates it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_BASE=${SMOKE_PG_BASE:-postgres://postgres@127.0.0.1:5432}
DB_NAME=ceis_smoke
REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/13}
WORK=$(mktemp -d -t ceis-smoke.XXXXXX)
JAR=$WORK/cookies
STACK_PID=

fail() {
  echo "production smoke test FAILED: $*" >&2
  for log in "$WORK"/state/log/*.log "$WORK/stack.log"; do
    [ -f "$log" ] || continue
    echo "---- last lines of $log" >&2
    tail -n 25 "$log" >&2
  done
  exit 1
}

[ -x "$BIN/python" ] || fail ".venv is missing: run \`make test\` first"
"$BIN/gunicorn" --version >/dev/null 2>&1 || "$BIN/pip" install --quiet -r requirements.txt

PORT=${SMOKE_PORT:-$("$BIN/python" - <<'PY'
import random
import socket

ports = list(range(8300, 8400))
random.shuffle(ports)
for port in ports:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
PY
)}
[ -n "$PORT" ] || fail "no free port in 8300-8399"
BASE=http://127.0.0.1:$PORT

cleanup() {
  local status=$?
  if [ -n "$STACK_PID" ]; then
    # prod-local.sh stops its processes on SIGTERM; anything left after that is killed here.
    kill -TERM "$STACK_PID" 2>/dev/null || true
    for _ in $(seq 90); do
      kill -0 "$STACK_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- -"$STACK_PID" 2>/dev/null || true
    if [ -f "$WORK/state/pids" ]; then
      while read -r pid; do kill -KILL -- -"$pid" 2>/dev/null || true; done <"$WORK/state/pids"
    fi
  fi
  "$BIN/python" - "$PG_BASE" "$DB_NAME" <<'PY' || true
import sys

import psycopg2

conn = psycopg2.connect(f"{sys.argv[1]}/postgres")
conn.autocommit = True
with conn.cursor() as cursor:
    cursor.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
conn.close()
PY
  rm -rf "$WORK"
  return "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A fresh database and an empty Redis db for this run.
"$BIN/python" - "$PG_BASE" "$DB_NAME" <<'PY' || fail "cannot create the database $DB_NAME"
import sys

import psycopg2

conn = psycopg2.connect(f"{sys.argv[1]}/postgres")
conn.autocommit = True
with conn.cursor() as cursor:
    cursor.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{sys.argv[2]}"')
conn.close()
PY
"$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL" \
  || fail "cannot reach Redis at $REDIS_URL"

# Production settings with test secrets; plain HTTP on localhost, hence no TLS redirect, no HSTS
# and cookies without the Secure flag (curl sends Secure cookies over https only).
export DJANGO_SETTINGS_MODULE=ceis.settings.production
export SECRET_KEY CEIS_FIELD_ENCRYPTION_KEYS
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
CEIS_FIELD_ENCRYPTION_KEYS=$("$BIN/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=$PG_BASE/$DB_NAME
export CELERY_BROKER_URL=$REDIS_URL
export SECURE_SSL_REDIRECT=False SECURE_HSTS_SECONDS=0
export SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False
export CEIS_PROD_LOCAL_DIR=$WORK/state
export CEIS_MEDIA_ROOT=$WORK/state/media
export HOST=127.0.0.1 PORT GUNICORN_BIND=127.0.0.1:$PORT
export GUNICORN_WORKERS=2 CELERY_WORKER_CONCURRENCY=1 CELERY_PDF_CONCURRENCY=1
export CELERY_PDF_MAX_TASKS_PER_CHILD=5

setsid bash scripts/prod-local.sh >"$WORK/stack.log" 2>&1 &
STACK_PID=$!
for _ in $(seq 120); do
  grep -q "est prêt" "$WORK/stack.log" 2>/dev/null && break
  kill -0 "$STACK_PID" 2>/dev/null || fail "the production stack stopped while starting"
  sleep 1
done
grep -q "est prêt" "$WORK/stack.log" || fail "the production stack did not start within 120 s"

health=$(curl -sS "$BASE/healthz") || fail "/healthz did not answer"
[ "$health" = '{"database": "ok", "broker": "ok"}' ] || fail "/healthz answered $health"

# The workers run below the pages' priority (`nice -n 10`), and with automatic scheduling groups
# their session's group must say so too, or the niceness orders nothing against gunicorn
# (ceis/priority.py); the web server's group stays at 0.
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ]; then
  while read -r pid; do
    nice=$(ps -o ni= -p "$pid" | tr -d ' ')
    group=$(awk '{print $NF}' "/proc/$pid/autogroup")
    [ "$group" = "$nice" ] || fail "process $pid runs at nice $nice in a group at nice $group"
  done <"$WORK/state/pids"
  # Each of gunicorn's workers leads a session, so a group, of its own, as each PostgreSQL
  # backend does: together they must not weigh as much as one backend computing a report.
  WEB_PID=$(head -1 "$WORK/state/pids")
  WEB_WORKERS=$(pgrep -P "$WEB_PID" || true)
  [ -n "$WEB_WORKERS" ] || fail "no gunicorn worker under process $WEB_PID"
  for pid in $WEB_WORKERS; do
    sid=$(ps -o sid= -p "$pid" | tr -d ' ')
    [ "$sid" = "$pid" ] || fail "gunicorn worker $pid shares the session $sid"
  done
fi

# A manager on a site of its own (the only site, so "all sites" is allowed too).
PASSWORD=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(18))')
CEIS_NEW_USER_PASSWORD=$PASSWORD "$BIN/python" manage.py create_user smoke-manager \
  --role manager --site SMOKE --create-site --first-name Smoke --wet-run >/dev/null \
  || fail "create_user did not create the manager"
SITE_PK=$("$BIN/python" manage.py shell -c \
  "from ceis.models import Site; print(Site.objects.get(code='SMOKE').pk)" 2>/dev/null | tail -1)

csrf_from() {  # reads the whole page first: `sed | head -1` can fail under pipefail (SIGPIPE)
  local html
  html=$(cat)
  sed -n '/name="csrfmiddlewaretoken"/{s/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p;q}' <<<"$html"
}
post() {  # post URL_PATH FORM_PAGE_PATH [field=value...] → prints "status redirect_url"
  local path=$1 page=$2 token
  shift 2
  token=$(curl -fsS -b "$JAR" -c "$JAR" "$BASE$page" | csrf_from)
  [ -n "$token" ] || fail "no CSRF token on $page"
  local args=(--data-urlencode "csrfmiddlewaretoken=$token")
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  curl -sS -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}\n' \
    -H "Referer: $BASE$page" "${args[@]}" "$BASE$path"
}

read -r status _ < <(post /connexion/ /connexion/ username=smoke-manager "password=$PASSWORD")
[ "$status" = 302 ] || fail "login answered HTTP $status"

# Production asks managers for a second factor (CEIS_REQUIRE_2FA): enrol an authenticator as a
# user would — read the key on the set-up page, compute the current code, send it.
SETUP=$(curl -fsS -b "$JAR" -c "$JAR" "$BASE/securite/2fa/configurer/")
OTP_SECRET=$(sed -n 's#.*<code class="fs-5">\([A-Z2-7 ]*\)</code>.*#\1#p' <<<"$SETUP" | tr -d ' ')
[ -n "$OTP_SECRET" ] || fail "no second-factor set-up page for the manager"
OTP_CODE=$("$BIN/python" -c 'import base64, sys; from django_otp.oath import totp; print(f"{totp(base64.b32decode(sys.argv[1])):06d}")' "$OTP_SECRET")
read -r status _ < <(post /securite/2fa/configurer/ /securite/2fa/configurer/ "token=$OTP_CODE")
[ "$status" = 200 ] || fail "second-factor enrolment answered HTTP $status"
status=$(curl -sS -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' "$BASE/bilans/")
[ "$status" = 200 ] || fail "after the second factor, the dashboard answered HTTP $status"

read -r status location < <(post /bilans/documents/nouveau/ /bilans/documents/nouveau/ \
  preset=last_year "site=$SITE_PK")
[ "$status" = 302 ] || fail "creating the bilan answered HTTP $status"
DOC=$(sed -n 's#.*/bilans/documents/\([0-9a-f-]\{36\}\)/$#\1#p' <<<"$location")
[ -n "$DOC" ] || fail "creating the bilan redirected to '$location'"

# Its texts are written from the period's figures, which the worker computes: the page waits
# for them (« Calcul des chiffres de la période en cours… ») and then shows the editor.
EDITOR=
for _ in $(seq 120); do
  page=$(curl -fsS -b "$JAR" -c "$JAR" "$BASE/bilans/documents/$DOC/") \
    || fail "the bilan page did not answer"
  if grep -q 'Enregistrer les textes' <<<"$page"; then EDITOR=yes; break; fi
  sleep 1
done
[ -n "$EDITOR" ] || fail "the bilan's texts were not written within 120 s (is the worker consuming?)"
grep -q 'demandeurs d&#x27;emploi ont intégré le programme' <<<"$page" \
  || fail "the bilan's texts were not prefilled from the figures"

read -r status _ < <(post "/bilans/documents/$DOC/generer/" "/bilans/documents/$DOC/")
[ "$status" = 302 ] || fail "asking for the PDF answered HTTP $status"

PDF_PATH=
for _ in $(seq 120); do
  page=$(curl -fsS -b "$JAR" -c "$JAR" "$BASE/bilans/documents/$DOC/") \
    || fail "the bilan page did not answer"
  PDF_PATH=$(grep -o '/bilans/versions/[0-9a-f-]\{36\}/pdf/' <<<"$page" | head -1 || true)
  [ -n "$PDF_PATH" ] && break
  if grep -q 'text-bg-danger">Échec' <<<"$page"; then
    fail "the PDF worker failed: $(grep -o 'Erreur : [^<]*' <<<"$page" | head -1)"
  fi
  sleep 1
done
[ -n "$PDF_PATH" ] || fail "no download link after 120 s (is the pdf worker consuming?)"

curl -fsS -b "$JAR" -o "$WORK/bilan.pdf" "$BASE$PDF_PATH" || fail "downloading $PDF_PATH failed"
[ "$(head -c 4 "$WORK/bilan.pdf")" = "%PDF" ] || fail "the downloaded file is not a PDF"
SIZE=$(wc -c <"$WORK/bilan.pdf")

# The PDF went through the dedicated queue, and logs are structured without query strings.
grep -q 'reporting.tasks.generate_bilan_pdf\[.*\] succeeded' "$WORK/state/log/worker-pdf.log" \
  || fail "the pdf worker's log does not show the task"
grep -q '"logger": "gunicorn.access"' "$WORK/state/log/web.log" \
  || fail "gunicorn's access log is not JSON"
curl -fsS -o /dev/null "$BASE/connexion/?next=/personnes/%3Fq%3Dsmoke-secret" \
  || fail "the login page with a query string did not answer"
sleep 1
! grep -rq 'smoke-secret' "$WORK/state/log" || fail "a query string reached the logs"

echo "production smoke test OK: gunicorn + workers + beat on port $PORT, manager login with a second factor, bilan PDF of $SIZE bytes built by the pdf worker and downloaded"
