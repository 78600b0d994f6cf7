#!/usr/bin/env bash
# Starts a real Celery worker (with the beat scheduler embedded) and the development server;
# stopping the server (Ctrl-C) stops the worker too.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var/log

# The worker gets its own session: Ctrl-C in the terminal must not reach its pool processes
# directly (Celery then hangs in shutdown); the trap below stops it cleanly instead.
setsid "$BIN/celery" -A ceis worker -Q celery,pdf --beat --schedule var/celerybeat-schedule \
  --loglevel INFO --concurrency 2 >var/log/celery.log 2>&1 &
WORKER_PID=$!

stop_worker() {
  kill -TERM "$WORKER_PID" 2>/dev/null || return 0
  for _ in $(seq 20); do
    kill -0 "$WORKER_PID" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- -"$WORKER_PID" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat <<MSG

  CEIS est prêt : http://$HOST:$PORT/
  Worker Celery démarré (journal : var/log/celery.log). Ctrl-C arrête tout.

MSG
"$BIN/python" manage.py runserver "$HOST:$PORT"
