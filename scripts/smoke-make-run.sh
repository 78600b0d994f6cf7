#!/usr/bin/env bash
# Starts `make run` on a spare port, checks the login page, /healthz and a demo login, then stops.
set -euo pipefail
PORT=${SMOKE_PORT:-8765}
LOG=$(mktemp)
setsid make run PORT="$PORT" >"$LOG" 2>&1 &
RUN_PID=$!
cleanup() { kill -- -"$RUN_PID" 2>/dev/null || true; wait "$RUN_PID" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$PORT/connexion/" >/dev/null 2>&1 && break
  sleep 1
done
# Each page is read whole before grep looks at it: `curl | grep -q` fails under pipefail when grep
# stops reading at its first match and curl is left writing into a closed pipe (curl exit 23).
page() { curl -fsS "$@"; }
BODY=$(page "http://127.0.0.1:$PORT/connexion/") || { cat "$LOG"; exit 1; }
grep -q "Connexion" <<<"$BODY" || { cat "$LOG"; exit 1; }
BODY=$(page "http://127.0.0.1:$PORT/healthz") || { cat "$LOG"; exit 1; }
grep -q '"broker": "ok"' <<<"$BODY" || { echo "$BODY"; cat "$LOG"; exit 1; }
grep -q "travailleur" "$LOG" || { echo "demo logins were not printed"; cat "$LOG"; exit 1; }

# The worker started by `make run` really consumes tasks: send one and wait for its success line.
.venv/bin/python manage.py shell -c "from ceis.tasks import journal_purge_task; journal_purge_task.delay()"
for _ in $(seq 60); do
  grep -q "ceis.tasks.journal_purge_task\[.*\] succeeded" var/log/celery.log 2>/dev/null && break
  sleep 1
done
grep -q "ceis.tasks.journal_purge_task\[.*\] succeeded" var/log/celery.log || { echo "the worker did not run the task"; cat var/log/celery.log; exit 1; }

JAR=$(mktemp)
csrf_from() {  # reads the whole page first: `sed | head -1` can fail under pipefail (SIGPIPE)
  local html
  html=$(cat)
  sed -n '/name="csrfmiddlewaretoken"/{s/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p;q}' <<<"$html"
}
TOKEN=$(page -c "$JAR" "http://127.0.0.1:$PORT/connexion/" | csrf_from)
STATUS=$(curl -sS -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' \
  -H "Referer: http://127.0.0.1:$PORT/connexion/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=manager" \
  --data-urlencode "password=demo-ceis-2026" "http://127.0.0.1:$PORT/connexion/")
[ "$STATUS" = "302" ] || { echo "demo login answered $STATUS"; exit 1; }
BODY=$(page -b "$JAR" "http://127.0.0.1:$PORT/") || { echo "home page answered an error"; exit 1; }
grep -q "Bonjour Claire" <<<"$BODY" || { echo "home page not reached"; exit 1; }
echo "make run: login page, /healthz, a task run by the worker and a demo login OK on port $PORT"
