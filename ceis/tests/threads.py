"""Concurrency tests' one way of running calls at the same moment."""

import threading

from django.db import connection


def together(calls):
    """Run each call in its own thread, all released at once by a barrier; their results, in
    order. An exception in a thread fails the test with that exception; each thread closes its
    own database connection."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except BaseException as error:  # reported below, with the thread's own traceback
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
