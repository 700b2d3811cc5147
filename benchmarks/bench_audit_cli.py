"""``segmenter audite`` and ``segmenter nettoie`` at scale, through the command (issue 16).

Run: ``python benchmarks/bench_audit_cli.py [--clients 10000 100000 300000] [--dir DOSSIER] [--base REV --rounds N]
[--only audit|nettoyer] [--no-pairs] [--steps]``.

The input is a workbook with one « Clients » sheet (an Excel Table under a title, as in the demo) of
``generate_demo(n)``'s clients — dirty values and ~3 % duplicates included. For each size it prints

1. the duplicate candidate pairs per client (``candidate_pairs`` of the audit's keys, in this process):
   bounded means flat from 10 000 to 300 000 clients;
2. the wall time and peak RSS of one fresh ``segmenter audite FICHIER`` process and one
   ``segmenter nettoie FICHIER -o COPIE`` process (with ``--base REV``: interleaved rounds against the
   code of git revision REV, medians and ratio — the machine is shared, read the ratio);
3. with ``--steps``: the wall time of each step of the audit in one fresh process (imports, reading the
   workbook, the three steps of the duplicate search, the whole audit), interleaved rounds against REV —
   what tells whether a trick gains on the step it speeds up; with ``--only nettoyer``, the steps of the
   cleaning instead (reading, audit, cleaning, the check that the sheet may be streamed, writing the copy).

Targets: audit of 100 000 clients ≤ 8 s, nettoie ≤ 12 s, 300 000 clients ≤ 1.5 GB peak RSS.
The processes are started with the former verbs (``audit``, ``nettoyer``), still accepted: a ``--base``
revision older than the French ones knows them too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_workbook import base_src, measure, write_workbook

TARGETS = {"audit": 8.0, "nettoyer": 12.0}  # seconds at 100 000 clients
RSS_TARGET = 1.5 * 1024  # MiB at 300 000 clients


def build_input(path: Path, n_clients: int) -> Path:
    from segmenter_pme.demo import generate_demo

    return write_workbook(path, generate_demo(n_clients, seed=11).clients)


def pairs_per_client(path: Path) -> tuple[int, float, float]:
    """(clients, candidate pairs per client, seconds to find them) of the audit's keys."""
    from segmenter_pme.audit.duplicates import candidate_pairs, match_keys
    from segmenter_pme.workbook.audit_load import load_base

    base = load_base(path)
    keys = match_keys(base.prepared.clients)
    t = time.perf_counter()
    pairs = candidate_pairs(keys)
    return len(keys), len(pairs) / max(len(keys), 1), time.perf_counter() - t


#: one process: the wall time of each step of ``segmenter audite`` (the command's own imports first)
_STEPS = """
import json, sys, time
t, cpu = time.perf_counter(), time.process_time()
import segmenter_pme.cli.audit, segmenter_pme.workbook.audit_files
from segmenter_pme.audit.duplicates import candidate_pairs, match_keys, score_pairs
from segmenter_pme.audit.sheet import audit_prepared
from segmenter_pme.workbook.audit_load import load_base
out = {"imports": (time.perf_counter() - t, time.process_time() - cpu)}
def step(name, f, *args, **kwargs):
    t, cpu = time.perf_counter(), time.process_time()
    value = f(*args, **kwargs)
    out[name] = (time.perf_counter() - t, time.process_time() - cpu)  # wall, CPU of every thread
    return value
base = step("load_base", load_base, sys.argv[1])
keys = step("match_keys", match_keys, base.prepared.clients)
try:  # the names' words, made once for the two steps below as the audit does (since 2026-12-03)
    from segmenter_pme.audit.duplicates import NameWords
    shared = {"words": step("NameWords", NameWords, keys["nom_normalise"])}
except ImportError:
    shared = {}
pairs = step("candidate_pairs", candidate_pairs, keys, **shared)
step("score_pairs", score_pairs, keys, pairs, **shared)
step("audit (tout)", audit_prepared, base.prepared, base.settings, derived_from=None, advice="cli")
print(json.dumps(out))
"""


#: one process: the wall time of each step of ``segmenter nettoie`` as ``clean_file`` takes them (reading,
#: audit, cleaning, the check that the client sheet may be streamed, writing the copy)
_CLEAN_STEPS = """
import datetime, json, sys, time
from pathlib import Path
t, cpu = time.perf_counter(), time.process_time()
import segmenter_pme.cli.audit
from segmenter_pme.workbook import audit_files
out = {"imports": (time.perf_counter() - t, time.process_time() - cpu)}
def timed(name, f):
    def run(*args, **kwargs):
        t, cpu = time.perf_counter(), time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            out[name] = (time.perf_counter() - t, time.process_time() - cpu)  # wall, CPU of every thread
    return run
for name in ("load_base", "_audit", "clean", "scan_sheet", "clean_streamed"):
    if hasattr(audit_files, name):  # an older revision may not have them all
        setattr(audit_files, name, timed(name, getattr(audit_files, name)))
Path(sys.argv[2]).unlink(missing_ok=True)
timed("nettoie (tout)", audit_files.clean_file)(sys.argv[1], sys.argv[2], analysis_date=datetime.date(2025, 12, 31))
Path(sys.argv[2]).unlink(missing_ok=True)
print(json.dumps(out))
"""


def steps(path: Path, src: Path | None, clean: Path | None = None) -> dict[str, list[float]]:
    """(wall, CPU) seconds of each step of the audit of ``path`` — or, with ``clean`` (the copy to write), of
    its cleaning — in one fresh process (of the code in ``src`` if given)."""
    env = None if src is None else {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-c", _STEPS, str(path)] if clean is None else [
        sys.executable, "-c", _CLEAN_STEPS, str(path), str(clean)]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def compare_steps(path: Path, base: str | None, src: Path | None, rounds: int, clean: Path | None = None) -> None:
    labels = ([base] if base else []) + ["ici"]
    runs: dict[str, list[dict[str, list[float]]]] = {label: [] for label in labels}
    for _ in range(rounds if base else 1):
        for label in labels:
            runs[label].append(steps(path, src if label != "ici" else None, clean))
    for name in runs["ici"][0]:
        # a step the base revision does not have counts 0 there
        med = {label: [statistics.median(r.get(name, (0, 0))[k] for r in v) for k in (0, 1)]
               for label, v in runs.items()}
        line = " | ".join(f"{label} {s:6.2f} s (CPU {cpu:5.2f} s)" for label, (s, cpu) in med.items())
        if base:
            line += f" | {med[base][0] / med['ici'][0]:4.2f} ×, CPU {med[base][1] / max(med['ici'][1], 1e-9):4.2f} ×"
        print(f"{'':>8} étape {name:16s} {line}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-audit-cli"))
    parser.add_argument("--base", default=None, help="git revision to compare with (interleaved rounds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pairs", action="store_true", help="skip the candidate pairs curve")
    parser.add_argument("--only", choices=["audit", "nettoyer"], help="time only this command")
    parser.add_argument("--steps", action="store_true",
                        help="also time each step of the audit (of the cleaning with --only nettoyer) in one process")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    src = base_src(args.base) if args.base else None
    print("Machine à 2 cœurs partagée avec d'autres travaux : les rapports comptent plus que les secondes.")
    ok = True
    for n in args.clients:
        path = args.dir / f"clients_{n}.xlsx"
        if not path.exists():
            build_input(path, n)
        if not args.no_pairs:
            rows, per_client, seconds = pairs_per_client(path)
            print(f"{rows:>8_} clients : {per_client:5.2f} paires candidates par client ({seconds:.2f} s)"
                  .replace("_", " "), flush=True)
        commands = {"audit": ["audit", str(path), "--date", "2025-12-31"],
                    "nettoyer": ["nettoyer", str(path), "-o", str(args.dir / f"propre_{n}.xlsx"),
                                 "--date", "2025-12-31"]}
        for name, cmd in commands.items():
            if args.only and name != args.only:
                continue
            labels = ([args.base] if args.base else []) + ["ici"]
            runs: dict[str, list] = {label: [] for label in labels}
            for _ in range(args.rounds if args.base else 1):
                for label in labels:
                    (args.dir / f"propre_{n}.xlsx").unlink(missing_ok=True)
                    runs[label].append(measure(cmd, src if label != "ici" else None))
            med = {label: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v),
                           max(r[2] for r in v), statistics.median(r[3] for r in v)) for label, v in runs.items()}
            line = " | ".join(f"{label} {s:6.2f} s (CPU {cpu:6.2f} s) {rss:6.0f} MiB (sortie {code})"
                              for label, (s, rss, code, cpu) in med.items())
            if args.base:
                line += (f" | {med[args.base][0] / med['ici'][0]:4.2f} ×, CPU "
                         f"{med[args.base][3] / med['ici'][3]:4.2f} ×")
            target = ""
            if n == 100_000:
                good = med["ici"][0] <= TARGETS[name]
                target = f"  cible ≤ {TARGETS[name]:g} s {'OK' if good else 'HORS CIBLE'}"
                ok &= good
            if n == 300_000:
                good = med["ici"][1] <= RSS_TARGET
                target = f"  cible ≤ {RSS_TARGET:.0f} MiB {'OK' if good else 'HORS CIBLE'}"
                ok &= good
            print(f"{n:>8_} {name:8s} {line}{target}".replace("_", " "), flush=True)
        if args.steps:  # the audit's steps; with --only nettoyer, the cleaning's
            compare_steps(path, args.base, src, args.rounds,
                          args.dir / f"etapes_{n}.xlsx" if args.only == "nettoyer" else None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
