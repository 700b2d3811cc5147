"""Big and far-reaching sheets through ``segmenter segmente`` (issue 14, item 9).

    python benchmarks/bench_bigsheet.py [--rows N ...] [--rounds R] [--dir DOSSIER] [--max-gb G]

1. A 9 KB workbook with one value in XFD1048576 (any sheet): before the fix, calamine allocated
   the 17-billion-cell rectangle (512 GB) and the process died (SIGABRT). Time and peak RSS of
   ``segmente`` on it.
2. A client sheet of N rows × 8 columns (default 1 048 575 — the most a sheet holds) → ``segmente``.
   Target: ≤ 120 s and ≤ 4 GB at 1 048 575 rows. Smaller N (``--rows 50000 100000 200000``)
   give the slope; rounds interleave the sizes, medians are printed.

Each figure is one fresh ``python -m segmenter_pme.cli --quiet segmente`` process on a fresh copy of
the input: wall time includes start-up, peak RSS is the kernel's (``os.wait4``). The process runs
under an address-space limit (``--max-gb``, default 8) so that a run that would need more fails
(exit ≠ 0, reported) instead of taking the machine down: the machine is shared and has no swap.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(args: list[str], max_gb: float) -> tuple[float, float, int, float]:
    """(seconds, peak RSS in MiB, exit code, CPU seconds) of one ``segmenter`` process.

    CPU seconds (user + system) say what the run costs when other jobs share the machine."""
    limit = int(max_gb * 1024 ** 3)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "segmenter_pme.cli", "--quiet", *args], preexec_fn=cap,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime


def build_far_cell(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    for i in range(20):
        ws.append([f"C{i:03d}", f"Société {i}", f"{1 + i % 28:02d}/03/2025", 1 + i % 5, 100.0 * (i + 1)])
    wb.create_sheet("Notes")["XFD1048576"] = "loin"
    wb.save(path)
    return path


def build_client_sheet(path: Path, rows: int) -> Path:
    """« Clients »: header + ``rows`` clients × 8 columns, written as streamed XML (seconds, not minutes)."""
    import numpy as np
    import pandas as pd
    from openpyxl import Workbook

    from segmenter_pme.workbook import fastsheet, saving
    from segmenter_pme.workbook.templates import write_frame

    rng = np.random.default_rng(14)
    i = np.arange(rows)
    frame = pd.DataFrame({
        "Code client": pd.Series(i).map("C{:07d}".format),
        "Entreprise": pd.Series(i).map("Société {:d}".format),
        "Code postal": pd.Series(rng.integers(1000, 95999, rows)).map("{:05d}".format),
        "Secteur": pd.Series(rng.choice(["Commerce", "Industrie", "Services", "BTP", "Transport"], rows)),
        "Date premier achat": pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 1500, rows), unit="D"),
        "Date dernier achat": pd.Timestamp("2022-03-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D"),
        "Nombre commandes": rng.integers(1, 60, rows),
        "CA total": np.round(rng.gamma(1.2, 900.0, rows), 2),
    })
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    write_frame(ws, frame.iloc[:1], 1)
    saving.save_workbook(wb, path, {"Clients": fastsheet.injector(frame, 2, ws=ws)})
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_048_575])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--max-gb", type=float, default=8.0)
    args = parser.parse_args(argv)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-bigsheet-"))
    folder.mkdir(parents=True, exist_ok=True)

    far = build_far_cell(folder / "loin.xlsx")
    inputs = {"XFD1048576 (9 KB)": far}
    for n in args.rows:
        t = time.perf_counter()
        inputs[f"{n:,} clients × 8".replace(",", " ")] = build_client_sheet(folder / f"clients_{n}.xlsx", n)
        print(f"input {n} rows built in {time.perf_counter() - t:.1f} s ({(folder / f'clients_{n}.xlsx').stat().st_size / 2**20:.0f} MiB)",
              flush=True)
    results: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in inputs}
    for _ in range(args.rounds):  # interleaved: every size once per round
        for label, src in inputs.items():
            work = folder / ("run_" + src.name)
            shutil.copyfile(src, work)
            results[label].append(measure(["segmente", str(work), "--date", "2025-06-01"], args.max_gb))
            work.unlink(missing_ok=True)
            for extra in folder.glob("run_*"):
                extra.unlink()
    print(f"\n{'input':<28} {'median s':>9} {'CPU s':>7} {'median MiB':>11}  exit codes")
    for label, runs in results.items():
        secs = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        mib = statistics.median(r[1] for r in runs)
        print(f"{label:<28} {secs:>9.1f} {cpu:>7.1f} {mib:>11.0f}  {[r[2] for r in runs]}")
    print("\ntarget at 1 048 575 × 8: ≤ 120 s, ≤ 4096 MiB (shared 2-vCPU machine: other jobs ran at the same time)")
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
