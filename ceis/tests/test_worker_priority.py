"""The workers' niceness holds against the web processes (ceis/priority.py): a worker leading its
own session gives its scheduling group its niceness; a worker sharing the session of whatever
started it never lowers that group."""

import errno
import logging
import os
import sys

import pytest
from celery.signals import worker_init

from ceis import priority
from ceis.priority import AUTOGROUP, lower_session_group, session_group_niceness

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not AUTOGROUP.exists(),
    reason="automatic scheduling groups are a Linux feature (/proc/self/autogroup)",
)


def _in_child(*, new_session: bool, nice: int, start) -> tuple:
    """Run `start` in a forked child, in a new session or not, at `nice`; returns what it
    returned and the child's group niceness afterwards, read from /proc by the child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into pytest
        status = 0
        try:
            if new_session:
                os.setsid()
            os.nice(nice)
            result = start()
            os.write(write, f"{result} {session_group_niceness()}".encode())
        except BaseException as error:  # reported to the parent
            os.write(write, f"error {error!r}".encode())
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    assert not answer.startswith("error"), answer
    result, group = answer.split()
    return result, None if group == "None" else int(group)


def _worker_starts():
    """What a worker's main process does at start: Celery's `worker_init` signal."""
    worker_init.send(sender=None)
    return "sent"


def test_a_worker_in_its_own_session_lowers_its_group_to_its_niceness():
    assert _in_child(new_session=True, nice=10, start=_worker_starts) == ("sent", 10)
    assert _in_child(new_session=True, nice=7, start=lower_session_group) == ("7", 7)


def test_a_worker_sharing_its_starter_s_session_leaves_that_group_alone():
    before = session_group_niceness()
    assert _in_child(new_session=False, nice=10, start=lower_session_group) == ("None", before)
    assert session_group_niceness() == before


def test_the_machine_s_first_group_has_no_niceness_to_read(tmp_path):
    """Processes that no `setsid` ever separated from the machine's first process (a container's
    init, a CI runner) are in the kernel's default group: /proc/self/autogroup reads empty."""
    default_group = tmp_path / "autogroup"
    default_group.write_text("")
    assert session_group_niceness(default_group) is None
    default_group.write_text("/autogroup-85 nice 10\n")
    assert session_group_niceness(default_group) == 10


def test_a_worker_at_the_pages_priority_changes_nothing():
    assert _in_child(new_session=True, nice=0, start=lower_session_group) == ("None", 0)


class _Busy:
    """/proc/self/autogroup while other processes change their groups: the kernel takes one
    change per tenth of a second on the whole machine and answers EAGAIN to the others."""

    def __init__(self, refusals):
        self.refusals = refusals

    def exists(self):
        return True

    def write_text(self, text):
        if self.refusals:
            self.refusals -= 1
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        AUTOGROUP.write_text(text)


def _lower_while_busy(refusals):
    def start():
        priority.PAUSE = 0  # in the forked child only
        return lower_session_group(_Busy(refusals))

    return start


def test_a_worker_starting_beside_another_waits_for_its_turn():
    assert _in_child(new_session=True, nice=10, start=_lower_while_busy(3)) == ("10", 10)


def test_a_worker_refused_for_good_keeps_its_group_and_says_so():
    def start():
        warnings = []
        handler = logging.Handler()
        handler.emit = lambda record: warnings.append(record.getMessage())
        priority.logger.addHandler(handler)
        result = _lower_while_busy(priority.ATTEMPTS)()
        return f"{result}:{'keeps its priority' in ''.join(warnings)}"

    assert _in_child(new_session=True, nice=10, start=start) == ("None:True", 0)
