"""Writing the two big sheets of a 1 M-line CSV run (issue 16): « Factures » and the « Clients » made from it.

Run: ``python benchmarks/bench_sheets.py [--lines 1000000] [--repeat 3] [--base main]``.
The rows' XML (what :func:`fastsheet.rows_xml` streams into the archive, before deflate) is built by this
checkout's ``fastsheet`` and by the one of git revision ``--base`` loaded beside it, in interleaved rounds;
prints the medians, the ratio, and checks both give the same bytes (a few cells may differ, listed, when
the base's whitespace test was wrong: a text ending with a space after a line break).
The frames are the ones ``segmenter segmente`` writes: the invoice lines typed, the clients table of their result.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from bench_core import timed
from invoice_lines import generate_invoice_lines
from segmenter_pme import segment
from segmenter_pme.workbook import fastsheet
from segmenter_pme.workbook.created_clients import clients_table

ROOT = Path(__file__).resolve().parent.parent


def base_module(rev: str):
    """``workbook/fastsheet.py`` as it is at ``rev``, importable beside this checkout's."""
    src = subprocess.run(["git", "show", f"{rev}:src/segmenter_pme/workbook/fastsheet.py"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("segmenter_pme.workbook.fastsheet_at_base", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "segmenter_pme.workbook"
    exec(compile(src, f"{rev}:fastsheet.py", "exec"), module.__dict__)
    return module


def frames(n_lines: int) -> dict[str, pd.DataFrame]:
    lines = generate_invoice_lines(n_lines, seed=7)
    lines.insert(1, "Client", "Société " + lines["Code client"].str[1:])
    lines.index = pd.RangeIndex(2, 2 + len(lines))
    result = segment(invoices=lines.rename(columns={"Montant HT": "Montant"}))
    names = lines.drop_duplicates("Code client").set_index("Code client")["Client"]
    clients = clients_table(result, names.reindex(result.output.index))
    return {"Factures": lines, "Clients": clients}


def xml(module, frame: pd.DataFrame) -> bytes:
    styles = [str(j % 5) for j in range(frame.shape[1])]
    return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in module.rows_xml(frame, 2, styles))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", default="main")
    args = parser.parse_args(argv)
    base = base_module(args.base)
    data = frames(args.lines)
    same = True
    for name, frame in data.items():
        if xml(base, frame) != xml(fastsheet, frame):
            same = False
            print(f"  {name} : XML différent de {args.base}")
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for name, frame in data.items():
            for label, module in ((args.base, base), ("ici", fastsheet)):
                times.setdefault((name, label), []).append(timed(lambda: xml(module, frame)))
    print(f"{args.lines:_} lignes, {args.repeat} tours entrelacés, médianes (machine à 2 cœurs partagée : "
          "comparer les rapports) :".replace("_", " "))
    for name, frame in data.items():
        before, after = (statistics.median(times[(name, label)]) for label in (args.base, "ici"))
        print(f"  {name:9s} {len(frame):>9_} lignes × {frame.shape[1]:2d}  {args.base} {before:6.2f} s  "
              f"ici {after:6.2f} s  {before / after:4.1f} ×".replace("_", " "))
    print("  XML identique" if same else "  XML différent (voir plus haut)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
