"""The history's background thread, and its inline stand-in where no thread can start (xlwings Lite)."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest

from segmenter_pme import Settings, history, worker


def test_inline_worker_runs_each_task_at_once_and_keeps_its_exception():
    inline = worker.Inline()
    seen = []
    done = inline.submit(lambda x: seen.append((x, threading.current_thread().name)) or x * 2, 21)
    assert seen == [(21, threading.current_thread().name)] and done.result() == 42
    with pytest.raises(ZeroDivisionError):
        inline.submit(lambda: 1 / 0).result()


def test_under_pyodide_the_history_runs_without_a_thread(monkeypatch):
    lines = pd.DataFrame({
        "Code client": ["A", "A", "B", "C", "C", "C"],
        "Date": pd.to_datetime(["2024-02-01", "2025-11-15", "2025-03-10", "2024-06-01", "2025-01-20", "2025-12-01"]),
        "Montant HT": [100.0, 250.0, 80.0, 40.0, 60.0, 90.0],
    })
    settings = Settings(date_analyse=dt.date(2025, 12, 31))
    expected = history(invoices=lines, settings=settings)
    monkeypatch.setattr(worker, "_pool", None)
    monkeypatch.setattr(worker.sys, "platform", "emscripten")
    started = threading.active_count()
    got = history(invoices=lines, settings=settings)
    assert isinstance(worker.worker(), worker.Inline)
    assert threading.active_count() == started
    pd.testing.assert_frame_equal(got.kpis, expected.kpis)
