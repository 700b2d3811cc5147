"""Core speed: 1 M invoice lines for ~350 000 clients, already in a DataFrame,
→ every SPEC output column; compared in the same run with
``lifetimes.utils.summary_data_from_transaction_data`` on the same frame.

    pip install -e ".[bench]" && python benchmarks/bench_core.py [--lines 1000000] [--clients 350000]

Two inputs: ``minimal`` (Code client, Date, Montant HT; credit notes negative —
one row per invoice, as SPEC §1 describes invoice lines, and the columns
lifetimes reads) and ``complet`` (+ N° facture and Type, so orders are counted
as distinct invoice numbers). Times are medians of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import pandas as pd

from segmenter_pme import Settings, segment
from segmenter_pme.demo_data import generate_invoice_lines


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=350_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-lifetimes", action="store_true")
    args = ap.parse_args()

    ref = dt.date(2025, 12, 31)
    frame = generate_invoice_lines(args.lines, args.clients, seed=7, reference_date=ref)
    settings = Settings(date_analyse=ref)
    minimal = frame[["Code client", "Date", "Montant HT"]]
    result = segment(invoices=minimal, settings=settings)
    print(f"{len(frame):,} lignes, {len(result.output):,} clients".replace(",", " "))

    t_min = median_time(lambda: segment(invoices=minimal, settings=settings), args.repeat)
    t_full = median_time(lambda: segment(invoices=frame, settings=settings), args.repeat)
    print(f"segmenter-pme, minimal : {t_min:.3f} s")
    print(f"segmenter-pme, complet : {t_full:.3f} s")

    if not args.no_lifetimes:
        from lifetimes.utils import summary_data_from_transaction_data

        def run_lifetimes():
            summary_data_from_transaction_data(
                minimal, "Code client", "Date", monetary_value_col="Montant HT",
                observation_period_end=pd.Timestamp(ref),
            )

        t_lt = median_time(run_lifetimes, max(2, args.repeat // 3))
        print(f"lifetimes 0.11.3       : {t_lt:.3f} s")
        print(f"rapport lifetimes / segmenter (minimal) : {t_lt / t_min:.1f}×")
        print(f"rapport lifetimes / segmenter (complet) : {t_lt / t_full:.1f}×")


if __name__ == "__main__":
    main()
