"""The Celery workers' CPU priority, made to hold against the web processes.

The workers are started below the pages' priority (`nice -n 10` in the Procfile, `Nice=10` in
the systemd units: docs/deployment.md). On Linux, a niceness only orders the processes of one
scheduling group, though. With automatic groups (`/proc/sys/kernel/sched_autogroup_enabled`, on
in most distributions' kernels), every session (`setsid`: a process manager starting each
service, a terminal) is its own group, and the groups share the cores equally whatever their
processes' niceness: a worker started in its own session took as much CPU as all of gunicorn's
workers together while they had pages waiting (docs/performance.md, load test, fourth round).

`lower_session_group()` gives the worker's group its niceness. It acts only when the worker
leads its own session, so that a group shared with the processes that started it (a shell,
`make run`'s web server) is never lowered with it. Under systemd with the CPU controller, the
groups are cgroups instead, and the units' `CPUWeight=` does this.
"""

import errno
import logging
import os
import time
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")
# The kernel accepts one change of a group's niceness per tenth of a second on the whole machine
# (EAGAIN otherwise, for a user without CAP_SYS_ADMIN): both workers start at once.
ATTEMPTS, PAUSE = 20, 0.11

logger = logging.getLogger(__name__)


def lower_session_group(autogroup: Path = AUTOGROUP) -> int | None:
    """Set this session's scheduling group to this process's niceness; returns the niceness
    set, or None when nothing was done (niceness 0 or less, not the session's leader, no
    automatic groups, or the kernel refused: logged)."""
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    if nice <= 0 or os.getsid(0) != os.getpid() or not autogroup.exists():
        return None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            autogroup.write_text(str(nice))
            return nice
        except OSError as error:
            if error.errno != errno.EAGAIN or attempt == ATTEMPTS:
                logger.warning(
                    "The worker's scheduling group keeps its priority (%s): the pages may "
                    "wait for the worker's computations",
                    error,
                )
                return None
            time.sleep(PAUSE)
    return None


def own_session_group() -> bool:
    """Give this process (a web worker, just forked) its own session, so its own scheduling
    group, as PostgreSQL does for each of its backends; returns whether it did.

    With automatic groups, the groups share the cores equally: gunicorn's workers, all in the
    session gunicorn was started in, weighed together as much as one PostgreSQL backend
    computing a year of every site for the dashboard, and the pages waited (docs/performance.md,
    load test, fifth round). Each worker in its own group weighs as much as each backend.
    Done only when gunicorn leads its own session (a process manager started it); gunicorn
    stops its workers by their PIDs, never through its process group."""
    if not AUTOGROUP.exists() or os.getsid(0) != os.getppid():
        return False
    try:
        os.setsid()
    except OSError:  # already a group leader: nothing to separate
        return False
    return True


def session_group_niceness(autogroup: Path = AUTOGROUP) -> int | None:
    """The niceness of this session's scheduling group (« /autogroup-85 nice 10 »), or None."""
    try:
        return int(autogroup.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None
