"""`import segmenter_pme` stays light: no pandas, no numpy until the core is used (issue 16)."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_pandas_or_numpy():
    code = ("import sys, segmenter_pme; from segmenter_pme import Settings, SegmenterError; "
            "Settings(); print(sorted(m for m in ('pandas', 'numpy', 'polars', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_core_still_loads_on_demand():
    code = "import segmenter_pme as s; print(callable(s.segment), callable(s.history))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True True"
