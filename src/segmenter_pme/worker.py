"""The package's one background thread: ``timeline.history`` scores every other period start in it,
``workbook.saving.write_behind`` deflates a big sheet's chunks in it.

The heavy steps (sorting, counting) run in numpy code that releases the GIL: a
second thread lets two of them run at once. Measured on 1 M invoice lines, 8
quarters, 5 interleaved rounds on a loaded 2-core machine (issue 12):
``history()`` 2,18 s with the thread, 2,48 s without (−12 %). ``segment()``
runs in one thread: the same trick there gained nothing measurable. One
thread, not a pool: tasks run in the order they were given, so a task may wait
for an earlier one. Where no thread can start (xlwings Lite runs Python in
Pyodide, ``sys.platform == "emscripten"``) each task runs at once, inline.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor

_pool: Executor | None = None
_lock = threading.Lock()


class Inline(Executor):
    """Runs each task at once in the calling thread: the worker where threads cannot start."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed over as a thread's exception would be
            future.set_exception(exc)
        return future


_PREFIX = "segmenter-worker"


def worker() -> Executor:
    """The background thread (started on first use), or :class:`Inline` under Pyodide — and in a task
    of the worker itself: one thread, so a task waiting on a task queued behind it would wait forever."""
    global _pool
    if threading.current_thread().name.startswith(_PREFIX):
        return Inline()
    with _lock:  # two threads calling history() at once get the same worker
        if _pool is None:
            _pool = Inline() if sys.platform == "emscripten" else \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix=_PREFIX)
        return _pool


def _forget_pool() -> None:
    # a forked child has no copy of the parent's thread: a task queued to the old
    # pool would wait forever, so the child starts its own
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)
