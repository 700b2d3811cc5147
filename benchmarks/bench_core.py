"""Core speed: 1 M invoice lines for ~350 000 clients, already in a DataFrame,
→ every SPEC output column; compared in the same run with
``lifetimes.utils.summary_data_from_transaction_data`` on the same frame.

    pip install -e ".[bench]" && python benchmarks/bench_core.py [--lines 1000000] [--clients 350000]

Two inputs: ``minimal`` (Code client, Date, Montant HT; credit notes negative —
one row per invoice, as SPEC §1 describes invoice lines, and the columns
lifetimes reads) and ``complet`` (+ N° facture and Type, so orders are counted
as distinct invoice numbers and credit notes are read from the type; lifetimes
gets that frame too and reads its three columns). The machine is shared and
noisy: every round times all four runs one after the other, and the figures
are the medians over the rounds, so a slow spell weighs on both sides of a ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time

import pandas as pd

from segmenter_pme import Settings, segment
from invoice_lines import generate_invoice_lines


def timed(fn) -> float:
    # as timeit does: the garbage of the previous run collected first, no collection while timing
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=350_000)
    ap.add_argument("--repeat", type=int, default=7, help="rounds")
    ap.add_argument("--no-lifetimes", action="store_true")
    args = ap.parse_args()

    ref = dt.date(2025, 12, 31)
    frame = generate_invoice_lines(args.lines, args.clients, seed=7, reference_date=ref)
    settings = Settings(date_analyse=ref)
    minimal = frame[["Code client", "Date", "Montant HT"]]
    result = segment(invoices=minimal, settings=settings)
    print(f"{len(frame):,} lignes, {len(result.output):,} clients".replace(",", " "))
    segment(invoices=frame, settings=settings)  # warm-up: imports, the worker thread

    runs = {"minimal": lambda: segment(invoices=minimal, settings=settings),
            "complet": lambda: segment(invoices=frame, settings=settings)}
    if not args.no_lifetimes:
        from lifetimes.utils import summary_data_from_transaction_data

        def lifetimes_on(df: pd.DataFrame):
            return lambda: summary_data_from_transaction_data(
                df, "Code client", "Date", monetary_value_col="Montant HT", observation_period_end=pd.Timestamp(ref),
            )

        runs["lifetimes minimal"] = lifetimes_on(minimal)
        runs["lifetimes complet"] = lifetimes_on(frame)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, fn in runs.items():
            times[name].append(timed(fn))
    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"segmenter-pme, minimal : {med['minimal']:.3f} s")
    print(f"segmenter-pme, complet : {med['complet']:.3f} s")
    if not args.no_lifetimes:
        print(f"lifetimes 0.11.3, minimal : {med['lifetimes minimal']:.3f} s")
        print(f"lifetimes 0.11.3, complet : {med['lifetimes complet']:.3f} s")
        for kind in ("minimal", "complet"):
            ratios = [lt / ours for lt, ours in zip(times[f"lifetimes {kind}"], times[kind])]
            print(f"rapport lifetimes / segmenter ({kind}) : {med[f'lifetimes {kind}'] / med[kind]:.1f}× "
                  f"(par tour : {min(ratios):.1f}× à {max(ratios):.1f}×)")


if __name__ == "__main__":
    main()
