"""The workers' niceness holds against the web processes (ceis/priority.py): a worker leading its
own session gives its scheduling group its niceness; a worker sharing the session of whatever
started it never lowers that group. Each web worker of a gunicorn started in its own session
gets a group of its own, as each PostgreSQL backend has."""

import errno
import logging
import os
import runpy
import sys
from pathlib import Path

import pytest
from celery.signals import worker_init

from ceis import priority
from ceis.priority import AUTOGROUP, lower_session_group, session_group_niceness

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not AUTOGROUP.exists(),
    reason="automatic scheduling groups are a Linux feature (/proc/self/autogroup)",
)


def _forked(body) -> str:
    """Run `body` in a forked child and return the text it returned, sent through a pipe (the
    child never returns into pytest); an exception in the child fails the test."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.write(write, str(body()).encode())
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
    return answer


def _in_child(*, new_session: bool, nice: int, start) -> tuple:
    """Run `start` in a forked child, in a new session or not, at `nice`; returns what it
    returned and the child's group niceness afterwards, read from /proc by the child."""

    def body():
        if new_session:
            os.setsid()
        os.nice(nice)
        return f"{start()} {session_group_niceness()}"

    result, group = _forked(body).split()
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


def _forked_web_worker():
    """What gunicorn's post_fork hook does in a worker just forked from this process (the
    arbiter): `own_session_group()`. Returns what it returned, whether the worker then leads
    its own session, and whether its scheduling group differs from the arbiter's."""
    arbiter_group = AUTOGROUP.read_text()

    def worker():
        separated = priority.own_session_group()
        leads = os.getsid(0) == os.getpid()
        return f"{separated}/{leads}/{AUTOGROUP.read_text() != arbiter_group}"

    return _forked(worker)


def test_a_web_worker_of_a_gunicorn_leading_its_session_gets_a_group_of_its_own():
    """As PostgreSQL does for each backend: one worker weighs as much as one backend, not all
    the workers together (docs/performance.md, load test, fifth round)."""
    result, _ = _in_child(new_session=True, nice=0, start=_forked_web_worker)
    assert result == "True/True/True"


def test_a_web_worker_of_a_gunicorn_run_from_a_terminal_stays_in_its_session():
    result, _ = _in_child(new_session=False, nice=0, start=_forked_web_worker)
    assert result == "False/False/False"


def test_gunicorn_gives_each_worker_its_own_group_when_it_forks_it(monkeypatch):
    calls = []
    monkeypatch.delenv("CEIS_PROCESS_ROLE", raising=False)  # gunicorn.conf.py sets it
    monkeypatch.setattr(priority, "own_session_group", lambda: calls.append("called") or True)
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    worker = type("Worker", (), {"pid": 1, "log": logging.getLogger("test")})()
    conf["post_fork"](None, worker)
    assert calls == ["called"]
