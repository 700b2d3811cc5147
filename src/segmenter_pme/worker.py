"""The one background thread of the core.

The machines we run on have two cores or more, and the heavy steps (hashing,
sorting, counting) run in numpy, pandas, polars or Arrow code that releases the
GIL: a second thread lets two of them run at once. One thread, not a pool:
tasks run in the order they were given, so a task may wait for an earlier one.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def worker() -> ThreadPoolExecutor:
    """The background thread (started on first use)."""
    global _pool
    with _lock:  # two threads calling segment() at once get the same worker
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="segmenter-worker")
        return _pool


def _forget_pool() -> None:
    # a forked child has no copy of the parent's thread: a task queued to the old
    # pool would wait forever, so the child starts its own
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)
