#!/usr/bin/env bash
# Starts a real Celery worker (with the beat scheduler embedded) and the development server;
# stopping the server (Ctrl-C) stops the worker too.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var/log

"$BIN/celery" -A ceis worker --beat --schedule var/celerybeat-schedule \
  --loglevel INFO --concurrency 2 >var/log/celery.log 2>&1 &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null; wait "$WORKER_PID" 2>/dev/null' EXIT INT TERM

cat <<MSG

  CEIS est prêt : http://$HOST:$PORT/
  Worker Celery démarré (journal : var/log/celery.log). Ctrl-C arrête tout.

MSG
"$BIN/python" manage.py runserver "$HOST:$PORT"
