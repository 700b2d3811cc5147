"""Speed of the workbook engine, end to end through the ``segmenter`` command (issue 3 targets).

    python benchmarks/bench_workbook.py [--only demo|refresh|csv] [--dir DOSSIER] [--base REV --rounds N]

1. ``segmenter demo`` end to end (build the 3 000-client demo workbook and run on it) — target ≤ 5 s;
   and, in this process, ``generate_demo(3000)`` alone (median of 5 rounds after a warm-up) — ≤ 1 s
   (the wall-clock assertion that ``tests/test_demo_data.py`` used to make, flaky under load).
2. A workbook with 10 000 clients and 200 000 invoice lines → refreshed workbook — ≤ 15 s, peak RSS ≤ 1.5 GB.
3. A French CSV (``;``, cp1252, ``,`` decimals) of 1 000 000 invoice lines → workbook — ≤ 60 s, peak RSS ≤ 2 GB.

Each figure is one fresh ``python -m segmenter_pme.cli`` process: wall time includes start-up and
imports, and peak RSS comes from the kernel's accounting of that process (``os.wait4``).

``--base REV`` (e.g. ``main``) also runs the code of git revision REV (its ``src/`` extracted to a
temporary folder, same interpreter and libraries), alternating with this checkout for ``--rounds`` rounds:
medians of both and their ratio — on a machine shared with other jobs, the ratio is the figure to read.

``--steps`` (with ``--only csv``): the wall and CPU time of each step of the CSV run in one fresh process
(imports, reading the CSV, the core, the history, typing the columns, the « Clients » sheet and its audit, the
report sheets, the streamed rows of « Clients » and « Factures », the whole save with its deflate, the check
of the file written), interleaved rounds against ``--base`` — what tells whether a trick gains on its step.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"demo": (5.0, None), "refresh": (15.0, 1.5 * 1024), "csv": (60.0, 2.0 * 1024)}
GENERATOR_TARGET = 1.0  # seconds for generate_demo(3000)


def generator_seconds(n_clients: int = 3000, rounds: int = 5) -> float:
    """Median time of ``generate_demo(n_clients)`` in this process, after a small warm-up run."""
    from segmenter_pme.demo import generate_demo

    generate_demo(300)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        generate_demo(n_clients)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(args: list[str], src: Path | None = None) -> tuple[float, float, int, float]:
    """(seconds, peak RSS in MiB, exit code, CPU seconds) of one ``segmenter`` process (of the code in ``src``
    if given). The CPU time (user + system, every thread) moves less than the wall time when other jobs
    share the machine."""
    env = None if src is None else {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "segmenter_pme.cli", "--quiet", *args], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def build_refresh_input(path: Path, n_clients: int = 10_000, n_lines: int = 200_000) -> Path:
    """Clients (an Excel Table under a title) + Factures, as in the demo workbook, at scale."""
    from invoice_lines import generate_invoice_lines
    from segmenter_pme.demo import generate_demo

    clients = generate_demo(n_clients, seed=11).clients
    invoices = generate_invoice_lines(n_lines, n_clients=n_clients, seed=11)
    # same client codes in both sheets (the generators number them differently)
    invoices["Code client"] = "C" + invoices["Code client"].str[1:].astype(int).map("{:05d}".format)
    return write_workbook(path, clients, invoices)


def write_workbook(path: Path, clients, invoices=None) -> Path:
    """« Clients » (an Excel Table under a title, as in the demo workbook) and, if given, « Factures »."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from segmenter_pme.workbook import fastsheet, saving
    from segmenter_pme.workbook.templates import write_frame
    from segmenter_pme.workbook.writer import make_table

    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws["A1"] = "Fichier clients"
    write_frame(ws, clients.iloc[:1], 3)
    ws.add_table(make_table("TableauClients", f"A3:{get_column_letter(clients.shape[1])}{3 + len(clients)}",
                            list(clients.columns)))
    inject = {"Clients": fastsheet.injector(clients, 4, ws=ws)}
    if invoices is not None:
        wf = wb.create_sheet("Factures")
        write_frame(wf, invoices.iloc[:1], 1)
        inject["Factures"] = fastsheet.injector(invoices, 2, ws=wf)
    saving.save_workbook(wb, path, inject)
    return path


def build_csv_input(path: Path, n_lines: int = 1_000_000) -> Path:
    """A French accounting export: ``;``, cp1252, dd/mm/yyyy, ``1234,56`` amounts."""
    from invoice_lines import generate_invoice_lines

    lines = generate_invoice_lines(n_lines, seed=7)
    lines["Date"] = lines["Date"].dt.strftime("%d/%m/%Y")
    lines["Montant HT"] = lines["Montant HT"].map("{:.2f}".format).str.replace(".", ",", regex=False)
    lines.insert(1, "Client", "Société " + lines["Code client"].str[1:])
    lines.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    return path


#: one process: the wall and CPU time of each step of ``segmenter run FICHIER.csv`` (the command's imports
#: first); a step called several times is summed; the streamed rows (a generator consumed by the save) count
#: the main thread's CPU only (the deflate runs beside them, in the package's worker thread)
_CSV_STEPS = """
import datetime, functools, json, sys, time
from pathlib import Path
t, cpu = time.perf_counter(), time.process_time()
import segmenter_pme.cli.segmentation
from segmenter_pme import canonical, layout, parsing
from segmenter_pme.layout import history_run
from segmenter_pme.workbook import csv_job, csvio, engine, fastsheet, files, saving
out = {"imports": [time.perf_counter() - t, time.process_time() - cpu]}
def add(name, wall, cpu):
    got = out.setdefault(name, [0.0, 0.0])
    got[0] += wall
    got[1] += cpu
def timed(name, f):
    @functools.wraps(f)
    def run(*args, **kwargs):
        t, cpu = time.perf_counter(), time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            add(name, time.perf_counter() - t, time.process_time() - cpu)
    return run
def timed_rows(f):
    def run(frame, *args, **kwargs):
        name = f"rows_xml {frame.shape[1]} col."
        chunks = f(frame, *args, **kwargs)
        while True:
            t, cpu = time.perf_counter(), time.thread_time()
            try:
                chunk = next(chunks)
            except StopIteration:
                add(name, time.perf_counter() - t, time.thread_time() - cpu)
                return
            add(name, time.perf_counter() - t, time.thread_time() - cpu)
            yield chunk
    return run
def patch(module, name, label=None):
    if hasattr(module, name):  # an older revision may not have them all
        setattr(module, name, timed(label or name, getattr(module, name)))
patch(csvio, "read_french_csv")
for module in (parsing, canonical):
    patch(module, "parse_dates", "parse_dates (dans)")
    patch(module, "parse_amounts", "parse_amounts (dans)")
for name in ("segment_tables", "create_clients_sheet", "created_clients_audit", "write_history_sheets"):
    patch(csv_job, name)
patch(history_run, "run_history")
patch(csvio, "typed_columns")
patch(layout, "write_report_sheets")
patch(saving, "save_workbook", "save_workbook (tout)")
patch(files, "verify_xlsx")
fastsheet.rows_xml = timed_rows(fastsheet.rows_xml)
target = Path(sys.argv[2])
target.unlink(missing_ok=True)
timed("run (tout)", engine.run)(Path(sys.argv[1]), target, analysis_date=datetime.date(2025, 12, 31))
target.unlink(missing_ok=True)
print(json.dumps(out))
"""


def csv_steps(path: Path, target: Path, src: Path | None) -> dict[str, list[float]]:
    """(wall, CPU) seconds of each step of the CSV run of ``path`` in one fresh process (of the code in ``src``)."""
    env = None if src is None else {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", _CSV_STEPS, str(path), str(target)], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def compare_csv_steps(path: Path, target: Path, base: str | None, rounds: int) -> None:
    src = base_src(base) if base else None
    labels = ([base] if base else []) + ["ici"]
    runs: dict[str, list[dict[str, list[float]]]] = {label: [] for label in labels}
    for _ in range(rounds if base else 1):
        for label in labels:
            runs[label].append(csv_steps(path, target, src if label != "ici" else None))
    for name in runs["ici"][0]:
        # a step the base revision does not have counts 0 there
        med = {label: [statistics.median(r.get(name, (0, 0))[k] for r in v) for k in (0, 1)]
               for label, v in runs.items()}
        line = " | ".join(f"{label} {s:6.2f} s (CPU {cpu:5.2f} s)" for label, (s, cpu) in med.items())
        if base:
            line += (f" | {med[base][0] / max(med['ici'][0], 1e-9):4.2f} ×, "
                     f"CPU {med[base][1] / max(med['ici'][1], 1e-9):4.2f} ×")
        print(f"   étape {name:26s} {line}", flush=True)


def base_src(rev: str) -> Path:
    """``src/`` of git revision ``rev``, extracted to a temporary folder."""
    root = Path(__file__).resolve().parent.parent
    out = Path(tempfile.mkdtemp(prefix="bench-base-"))
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=root, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out / "src"


def compare(name: str, cmd: list[str], rev: str, rounds: int, fresh) -> dict:
    """Interleaved rounds of ``cmd`` with revision ``rev`` and with this checkout: medians and ratio."""
    src = base_src(rev)
    runs: dict[str, list[tuple[float, float, int, float]]] = {rev: [], "ici": []}
    for _ in range(rounds):
        for label in (rev, "ici"):
            fresh()
            runs[label].append(measure(cmd, src if label == rev else None))
    med = {label: [statistics.median(r[k] for r in v) for k in range(4)] for label, v in runs.items()}
    ratio, cpu_ratio = med[rev][0] / med["ici"][0], med[rev][3] / med["ici"][3]
    print(f"{name:8s} {rev} {med[rev][0]:7.2f} s (CPU {med[rev][3]:6.2f} s) {med[rev][1]:6.0f} MiB | ici "
          f"{med['ici'][0]:7.2f} s (CPU {med['ici'][3]:6.2f} s) {med['ici'][1]:6.0f} MiB | {ratio:4.2f} × plus rapide, "
          f"CPU {cpu_ratio:4.2f} × ({rounds} tours entrelacés, médianes)", flush=True)
    return {"base": rev, "base_seconds": round(med[rev][0], 2), "base_cpu_s": round(med[rev][3], 2),
            "base_rss_mib": round(med[rev][1]), "seconds": round(med["ici"][0], 2), "cpu_s": round(med["ici"][3], 2),
            "peak_rss_mib": round(med["ici"][1]), "ratio": round(ratio, 2), "cpu_ratio": round(cpu_ratio, 2),
            "exit": max(r[2] for v in runs.values() for r in v)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(TARGETS), action="append")
    parser.add_argument("--dir", type=Path, default=None, help="where to keep the generated inputs")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--base", default=None, help="git revision to compare with (interleaved rounds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", action="store_true",
                        help="with --only csv: each step of the CSV run in one process, instead of the command")
    args = parser.parse_args(argv)
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-segmenter-"))
    work.mkdir(parents=True, exist_ok=True)
    which = args.only or ["demo", "refresh", "csv"]
    results = {}
    for name in which:
        if name == "demo":
            shutil.rmtree(work / "demo", ignore_errors=True)
            cmd = ["demo", str(work / "demo")]
        elif name == "refresh":
            src = work / "base_10k_200k.xlsx"
            if not src.exists():
                build_refresh_input(src)
            target = work / "refresh.xlsx"
            shutil.copy(src, target)
            # the former verb of « segmente », still accepted: a --base revision older than it knows it too
            cmd = ["run", str(target), "--date", "2025-12-31"]
        else:
            src = work / "factures_1M.csv"
            if not src.exists():
                build_csv_input(src)
            cmd = ["run", str(src), "-o", str(work / "factures_1M.xlsx"), "--date", "2025-12-31"]
            if args.steps:
                compare_csv_steps(src, work / "etapes_1M.xlsx", args.base, args.rounds)
                continue
        if args.base:
            # every round starts from the same state: a fresh copy, no output left by the previous round
            fresh = (lambda: shutil.copy(src, target)) if name == "refresh" else (
                lambda: shutil.rmtree(work / "demo", ignore_errors=True)) if name == "demo" else (
                lambda: (work / "factures_1M.xlsx").unlink(missing_ok=True))
            results[name] = compare(name, cmd, args.base, args.rounds, fresh)
            continue
        seconds, rss, code, _ = measure(cmd)
        limit_s, limit_mb = TARGETS[name]
        ok = code == 0 and seconds <= limit_s and (limit_mb is None or rss <= limit_mb)
        results[name] = {"seconds": round(seconds, 2), "peak_rss_mib": round(rss), "exit": code,
                         "target_seconds": limit_s, "target_rss_mib": limit_mb, "ok": ok}
        print(f"{name:8s} {seconds:7.2f} s  peak RSS {rss:7.0f} MiB  exit {code}  "
              f"(cible ≤ {limit_s:g} s{'' if limit_mb is None else f', ≤ {limit_mb:.0f} MiB'}) "
              f"{'OK' if ok else 'HORS CIBLE'}", flush=True)
        if name == "demo":
            gen = generator_seconds()
            gen_ok = gen <= GENERATOR_TARGET
            results["generate_demo_3000"] = {"seconds": round(gen, 3), "target_seconds": GENERATOR_TARGET,
                                             "ok": gen_ok}
            print(f"{'generate_demo(3000)':8s} {gen:7.3f} s  médiane de 5 (cible ≤ {GENERATOR_TARGET:g} s) "
                  f"{'OK' if gen_ok else 'HORS CIBLE'}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r.get("ok", r.get("exit") == 0) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
