"""``saving.write_behind``: a zip entry's chunks compressed in a second thread while the next is made."""

from __future__ import annotations

import threading
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from segmenter_pme.workbook import fastsheet, saving
from segmenter_pme.worker import Inline


class _Entry:
    """A zip entry open for writing, as far as write_behind sees it: ``write`` only."""

    def __init__(self, fail_at: int | None = None, delay: float = 0.0):
        self.written: list[bytes] = []
        self.threads: set[str] = set()
        self.fail_at = fail_at
        self.delay = delay

    def write(self, chunk) -> int:
        self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        if self.fail_at is not None and len(self.written) == self.fail_at:
            raise OSError(28, "No space left on device")
        self.written.append(bytes(chunk))
        return len(chunk)


def _chunks(n: int, made: list[int] | None = None, fail_after: int | None = None):
    for k in range(n):
        if fail_after is not None and k == fail_after:
            raise ValueError("producteur interrompu")
        if made is not None:
            made.append(k)
        yield f"<row r='{k}'/>".encode()


def test_every_chunk_is_written_in_order_by_the_other_thread():
    out = _Entry()
    saving.write_behind(out, _chunks(50))
    assert out.written == [f"<row r='{k}'/>".encode() for k in range(50)]
    assert threading.current_thread().name not in out.threads


def test_the_maker_runs_at_most_one_chunk_ahead_of_the_writer():
    made: list[int] = []
    ahead = []

    class Watched(_Entry):
        def write(self, chunk):
            ahead.append(len(made) - len(self.written))
            return super().write(chunk)

    saving.write_behind(Watched(delay=0.002), _chunks(30, made))
    # when chunk k is being written, chunks k+1 at most has been made: two chunks in memory
    assert max(ahead) <= 2
    assert len(made) == 30


def test_a_failed_write_is_raised_and_the_making_stops():
    made: list[int] = []
    out = _Entry(fail_at=3)
    with pytest.raises(OSError, match="No space left"):
        saving.write_behind(out, _chunks(1000, made))
    assert len(out.written) == 3
    assert len(made) <= 5


def test_a_failed_write_of_the_last_chunk_is_raised():
    out = _Entry(fail_at=6, delay=0.005)
    with pytest.raises(OSError, match="No space left"):
        saving.write_behind(out, _chunks(7))
    assert len(out.written) == 6


def test_a_failed_save_lets_go_of_the_file(tmp_path, monkeypatch):
    opened = []

    class Recorded(zipfile.ZipFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    def full_disk(entry, chunks):
        for chunk in chunks:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(saving.zipfile, "ZipFile", Recorded)
    monkeypatch.setattr(saving, "write_behind", full_disk)
    with pytest.raises(OSError, match="No space left"):
        _save_big_sheet(tmp_path / "plein.xlsx")
    assert len(opened) == 1 and opened[0].fp is None  # closed: the caller may delete it, even on Windows


def test_a_failure_while_making_is_raised_after_the_pending_write():
    out = _Entry(delay=0.01)
    with pytest.raises(ValueError, match="producteur interrompu"):
        saving.write_behind(out, _chunks(10, fail_after=4))
    assert out.written == [f"<row r='{k}'/>".encode() for k in range(4)]


def test_where_no_thread_starts_the_chunks_are_written_in_turn(monkeypatch):
    monkeypatch.setattr(saving, "worker", Inline)  # what worker() gives under Pyodide
    out = _Entry()
    saving.write_behind(out, _chunks(7))
    assert out.written == [f"<row r='{k}'/>".encode() for k in range(7)]
    assert out.threads == {threading.current_thread().name}


def _save_big_sheet(path):
    n = 250_001  # three of rows_xml's chunks
    frame = pd.DataFrame({"Code": [f"C{k:06d}" for k in range(n)], "Montant": np.arange(n) / 4,
                          "Segment": pd.Categorical(np.where(np.arange(n) % 3 == 0, "Champions", "À risque"))})
    wb = Workbook()
    ws = wb.active
    ws.title = "Données"
    ws.append(list(frame.columns))
    ws.append(list(frame.iloc[0]))
    saving.save_workbook(wb, path, {"Données": fastsheet.injector(frame, first_row=2, ws=ws)})


def test_a_big_sheet_saved_behind_is_the_archive_saved_in_turn(tmp_path, monkeypatch):
    _save_big_sheet(tmp_path / "derriere.xlsx")
    monkeypatch.setattr(saving, "worker", Inline)
    _save_big_sheet(tmp_path / "en_serie.xlsx")
    with zipfile.ZipFile(tmp_path / "derriere.xlsx") as a, zipfile.ZipFile(tmp_path / "en_serie.xlsx") as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":  # the save's time stamp
                assert a.read(name) == b.read(name), name
        sheet = a.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<row ") == 250_002
    assert b'<row r="250002">' in sheet
