"""From segments to action, at scale: the e-mailing lists (written to disk), the cards PDF and the
week's call lists for 100 000 clients, after ``segment()`` — target ≤ 10 s together, ≤ 1 GB.

    pip install -e ".[bench]" && python benchmarks/bench_actions.py [--clients 100000] [--repeat 3]

The client table is the demo generator's (contacts, phones in every French style, e-mails with
typos), enlarged to ``--clients`` rows with fresh codes; ``segment()`` runs once, outside the timing.
Each round times the three steps one after the other (the machine is shared and noisy: medians over
the rounds). Memory: peak RSS of this process (psutil), which includes the frames of the analysis.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from segmenter_pme import Settings, segment
from segmenter_pme.demo import generate_demo
from segmenter_pme.layout.cards import segment_cards
from segmenter_pme.lists import build_lists
from segmenter_pme.week import week_calls
from segmenter_pme.workbook.cards_pdf import cards_pdf_bytes
from segmenter_pme.workbook.lists_files import write_bundle

from bench_core import timed_wall_cpu as timed  # the same timing rule as the core's benchmark




def big_clients(n: int) -> tuple[pd.DataFrame, dt.date]:
    demo = generate_demo(3000, duplicates=False)
    reps = -(-n // len(demo.clients))
    frame = pd.concat([demo.clients] * reps, ignore_index=True).iloc[:n].copy()
    frame["Code client"] = [f"C{i:07d}" for i in range(n)]
    rng = np.random.default_rng(1)
    frame["Commercial"] = rng.choice(["Anne", "Bruno", "Chloé", "David", "Emma", ""], size=n)
    return frame, demo.reference_date


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    clients, ref = big_clients(args.clients)
    result = segment(clients=clients, settings=Settings(date_analyse=ref))
    print(f"{len(result.output):,} clients segmentés".replace(",", " "))
    folder = Path(tempfile.mkdtemp(prefix="bench-listes-"))

    steps = {
        "listes (csv, écrites)": lambda: write_bundle(build_lists(result, "csv"), folder),
        "fiches PDF": lambda: cards_pdf_bytes(segment_cards(result), ref),
        "priorités semaine": lambda: week_calls(result),
    }
    for fn in steps.values():  # warm-up: imports, reportlab's fonts
        fn()
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in steps}
    totals = []
    for _ in range(args.repeat):
        total = [0.0, 0.0]
        for name, fn in steps.items():
            wall, cpu = timed(fn)
            times[name].append((wall, cpu))
            total[0] += wall
            total[1] += cpu
        totals.append(tuple(total))
    for name, ts in [*times.items(), ("ensemble (objectif ≤ 10 s)", totals)]:
        walls, cpus = [t[0] for t in ts], [t[1] for t in ts]
        print(f"{name:<28} médiane {statistics.median(walls):6.2f} s   (min {min(walls):.2f}, max {max(walls):.2f})"
              f"   CPU {statistics.median(cpus):6.2f} s")
    peak = psutil.Process().memory_info().rss
    try:
        import resource

        peak = max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    except ImportError:  # Windows
        pass
    print(f"mémoire max du processus : {peak / 2**20:,.0f} Mio (objectif ≤ 1 024)".replace(",", " "))


if __name__ == "__main__":
    main()
