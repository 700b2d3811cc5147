"""History speed: ``history()`` over 8 quarters on 1 M invoice lines (~350 000 clients),
against one ``segment()`` call on the same lines, and against the obvious way — one
``segment()`` call per period end (analysis date t: the lines after t are ignored).

    python benchmarks/bench_history.py [--lines 1000000] [--clients 350000] [--repeat 5]

Targets (issue 9): history ≤ 3 × one segment(), and ≥ 3 × faster than one
segment() per period end. ``HistoryResult.snapshots`` (one row per client and
period boundary: millions of rows here) is built on first read; the run that
reads it is timed too. The machine is shared and noisy: every round times the
runs one after the other, and the figures are the medians over the rounds, so a
slow spell weighs on both sides of a ratio. The CPU time of the process (both
threads) is given beside the wall-clock time: on a loaded machine it is the
steadier measure of the work done.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics

from bench_core import timed_wall_cpu  # the same timing rule as the core's benchmark (run from benchmarks/ or its parent)

from segmenter_pme import Settings, history, segment
from invoice_lines import generate_invoice_lines


def main() -> None:
    ap = argparse.ArgumentParser()
    for opt, default in (("--lines", 1_000_000), ("--clients", 350_000), ("--repeat", 5)):
        ap.add_argument(opt, type=int, default=default)
    args = ap.parse_args()

    ref = dt.date(2025, 12, 31)
    frame = generate_invoice_lines(args.lines, args.clients, seed=7, reference_date=ref)
    settings = Settings(date_analyse=ref)
    h = history(invoices=frame, settings=settings)  # warm-up: imports, the worker thread
    ends = list(h.periods["start"]) + [h.periods["end"].iloc[-1]]
    print(f"{len(frame):,} lignes, {len(h.previous_segment):,} clients, {len(h.periods)} trimestres "
          f"({h.periods['label'].iloc[0]} → {h.periods['label'].iloc[-1]})".replace(",", " "))

    def per_period_end():
        for t in ends:
            segment(invoices=frame, settings=settings.replace(date_analyse=t.date()))

    runs = {"history": lambda: history(invoices=frame, settings=settings),
            # the long frame of every snapshot is built on first read: timed apart
            "history + snapshots lus": lambda: history(invoices=frame, settings=settings).snapshots,
            "segment": lambda: segment(invoices=frame, settings=settings),
            "segment par fin de période": per_period_end}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, fn in runs.items():
            times[name].append(timed_wall_cpu(fn))
    for i, kind in enumerate(("temps écoulé", "temps CPU")):
        med = {name: statistics.median(t[i] for t in ts) for name, ts in times.items()}
        print(f"— {kind} (médiane de {args.repeat} tours)")
        for name, t in med.items():
            print(f"{name} : {t:.3f} s")
        print(f"history / segment : {med['history'] / med['segment']:.2f} × (objectif ≤ 3) ; "
              f"avec .snapshots lu : {med['history + snapshots lus'] / med['segment']:.2f} ×")
        print(f"segment par fin de période ({len(ends)} appels) / history : "
              f"{med['segment par fin de période'] / med['history']:.2f} × (objectif ≥ 3)")


if __name__ == "__main__":
    main()
