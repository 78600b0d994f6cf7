"""A real Celery worker in its own process, for the fault tests that kill it with SIGKILL.

`CEIS_TEST_RENDER_DELAY` seconds of sleep before the PDF is drawn keep the job "en cours" long
enough to kill the worker in the middle of it."""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings.test")
django.setup()

from ceis.celery import app  # noqa: E402
from reporting import pdf  # noqa: E402

DELAY = float(os.environ.get("CEIS_TEST_RENDER_DELAY", "0"))
_render = pdf.render_bilan_pdf


def _slow_render(*args, **kwargs):
    time.sleep(DELAY)
    return _render(*args, **kwargs)


if DELAY:
    pdf.render_bilan_pdf = _slow_render

if __name__ == "__main__":
    options = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    app.worker_main(
        ["worker", "--pool=solo", "--loglevel=WARNING", "--queues=celery,pdf", *options]
    )
