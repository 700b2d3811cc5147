"""The history's background thread, and its inline stand-in where no thread can start (xlwings Lite)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from segmenter_pme import worker


def test_inline_worker_runs_each_task_at_once_and_keeps_its_exception():
    inline = worker.Inline()
    seen = []
    done = inline.submit(lambda x: seen.append((x, threading.current_thread().name)) or x * 2, 21)
    assert seen == [(21, threading.current_thread().name)] and done.result() == 42
    with pytest.raises(ZeroDivisionError):
        inline.submit(lambda: 1 / 0).result()


_HISTORY = """
import datetime as dt, sys, threading
import pandas as pd
from segmenter_pme import Settings, history, worker

lines = pd.DataFrame({
    "Code client": ["A", "A", "B", "C", "C", "C"],
    "Date": pd.to_datetime(["2024-02-01", "2025-11-15", "2025-03-10", "2024-06-01", "2025-01-20", "2025-12-01"]),
    "Montant HT": [100.0, 250.0, 80.0, 40.0, 60.0, 90.0],
})
if sys.argv[1] == "pyodide":
    sys.platform = "emscripten"  # before the worker's first use, as in xlwings Lite
started = threading.active_count()
kpis = history(invoices=lines, settings=Settings(date_analyse=dt.date(2025, 12, 31))).kpis
print(type(worker.worker()).__name__, threading.active_count() - started)
print(kpis.to_json(orient="split", date_format="iso"))
"""


def _history_in_a_new_process(platform: str) -> tuple[str, str]:
    """(the worker's class and the threads the history started, its KPIs as JSON) in a fresh interpreter."""
    run = subprocess.run([sys.executable, "-c", _HISTORY, platform], capture_output=True, text=True, check=True)
    worker_line, kpis = run.stdout.splitlines()
    return worker_line, kpis


def test_under_pyodide_the_history_runs_without_a_thread():
    # a fresh process: its worker not yet started, it starts under the platform the process runs on
    got_worker, got = _history_in_a_new_process("pyodide")
    expected_worker, expected = _history_in_a_new_process("native")
    assert got_worker == "Inline 0"
    assert expected_worker == "ThreadPoolExecutor 1"  # elsewhere, the one background thread
    assert got == expected


def test_a_task_of_the_worker_that_waits_on_the_worker_runs_it_inline():
    from segmenter_pme.worker import worker

    def outer():
        # one thread: queued behind this very task, the inner one would never start
        return worker().submit(lambda: "dedans").result(timeout=5) + " / dehors"

    assert worker().submit(outer).result(timeout=10) == "dedans / dehors"
