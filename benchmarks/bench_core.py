"""Core speed: 1 M invoice lines for ~350 000 clients, already in a DataFrame,
→ every SPEC output column; compared in the same run with
``lifetimes.utils.summary_data_from_transaction_data`` on the same frame.

    pip install -e ".[bench]" && python benchmarks/bench_core.py [--lines 1000000] [--clients 350000]
        [--polars] [--base REV] [--no-lifetimes] [--phases]

``--base REV`` (e.g. ``main``) also times ``segment()`` of git revision REV, in
the same process and the same rounds: its ``src/segmenter_pme`` is extracted
and imported under another name, so the before/after ratio is measured on the
same frames at the same moments.

``--phases`` adds the median time of each step of a run (:data:`PHASES`: reading
the lines, numbering the keys, the per-client sums, scoring…), for this
checkout and the base, from the same rounds: the figure a speed trick's comment
gives is its step's, before and after. A step's time is the CPU time of the
calling thread, what a loaded machine disturbs least (the wall-clock time of a
step doubles when other jobs share the two cores; polars' own threads, which
hash the keys, are not counted).

The peer of issue 16 (``--polars``): the best hand-written polars query we
know for the same per-client figures (first and last purchase, orders —
distinct invoice numbers in ``complet`` —, CA net of credit notes, both
12-month CAs, lines after the analysis date left out), R/F/M quintile scores by
the SPEC §3 rule and the segment name, on a polars frame made beforehand (its
conversion is not timed: the strictest comparison for us). ``segment()`` does
more (Petits/Moyens/Gros, summary, Pareto, boundaries, R×F grid, the output
frames).

Two inputs: ``minimal`` (Code client, Date, Montant HT; credit notes negative —
one row per invoice, as SPEC §1 describes invoice lines, and the columns
lifetimes reads) and ``complet`` (+ N° facture and Type, so orders are counted
as distinct invoice numbers and credit notes are read from the type; lifetimes
gets that frame too and reads its three columns). The machine is shared and
noisy: every round times all the runs one after the other (each round in
another order, the polars queries last — a run right after one is slower —, then
``--settle`` seconds of pause), and the figures are the medians over the rounds, so a slow
spell weighs on both sides of a ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import io
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pandas as pd

from segmenter_pme import Settings, segment
from invoice_lines import generate_invoice_lines


def timed(fn) -> float:
    return timed_wall_cpu(fn)[0]


def timed_wall_cpu(fn) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of ``fn()``: the CPU time of this process (every thread) is what a
    loaded machine disturbs least."""
    # as timeit does: the garbage of the previous run collected first, no collection while timing
    gc.collect()
    gc.disable()
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - t0, time.process_time() - c0
    finally:
        gc.enable()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=350_000)
    ap.add_argument("--repeat", type=int, default=7, help="rounds")
    ap.add_argument("--settle", type=float, default=10.0,
                    help="seconds of pause after each round's polars queries (their memory handed back)")
    ap.add_argument("--no-lifetimes", action="store_true")
    ap.add_argument("--polars", action="store_true", help="time the hand-written polars query too (issue 16)")
    ap.add_argument("--base", default=None, help="git revision whose segment() is timed too (before/after)")
    ap.add_argument("--phases", action="store_true", help="median time of each step of segment() (see PHASES)")
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
    if args.base:
        base = base_package(args.base)
        base_settings = base.Settings(date_analyse=ref)
        base.segment(invoices=frame, settings=base_settings)  # warm-up
        runs[f"{args.base} minimal"] = lambda: base.segment(invoices=minimal, settings=base_settings)
        runs[f"{args.base} complet"] = lambda: base.segment(invoices=frame, settings=base_settings)
    if args.polars:
        import polars as pl

        frames = {kind: pl.from_pandas(df) for kind, df in (("minimal", minimal), ("complet", frame))}
        runs["polars minimal"] = lambda: polars_query(frames["minimal"], ref, settings, numbered=False)
        runs["polars complet"] = lambda: polars_query(frames["complet"], ref, settings, numbered=True)
    times: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    steps: dict[str, dict[str, list[float]]] = {name: {} for name in runs}
    spent: dict[str, float] = {}
    if args.phases:
        time_phases("segmenter_pme", spent)
        if args.base:
            time_phases("segmenter_base", spent)
    for turn in range(args.repeat):
        # each round in another order (the same for the same --repeat), the polars queries last: a run
        # right after one is slower while polars hands its memory back (20 M lines: 6,2 s of CPU for our
        # minimal frame right after a polars query, 3,3 s after one of ours) — before this, our minimal
        # frame came right after polars in 2 rounds of 3, e966e41's in none. Then a pause, so the next
        # round starts on a settled machine.
        order = random.Random(turn).sample(list(runs), len(runs))
        order.sort(key=lambda name: name.startswith("polars"))  # stable: the shuffle kept within each part
        for name in order:
            fn = runs[name]
            spent.clear()
            wall, seconds = timed_wall_cpu(fn)
            times[name].append(wall)
            cpu[name].append(seconds)
            for step, seconds in spent.items():
                steps[name].setdefault(step, []).append(seconds)
        if args.polars:
            time.sleep(args.settle)
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

    if not args.no_lifetimes:
        # CPU time of the process (polars' threads included): what other jobs on the machine disturb least
        for kind in ("minimal", "complet"):
            ours, peer = statistics.median(cpu[kind]), statistics.median(cpu[f"lifetimes {kind}"])
            print(f"temps CPU, {kind} : segmenter {ours:.3f} s, lifetimes {peer:.3f} s ; rapport {peer / ours:.1f}×")
    if args.base:
        for kind in ("minimal", "complet"):
            ratios = [b / ours for b, ours in zip(times[f"{args.base} {kind}"], times[kind])]
            print(f"{args.base}, {kind} : {med[f'{args.base} {kind}']:.3f} s ; rapport {args.base} / segmenter : "
                  f"{med[f'{args.base} {kind}'] / med[kind]:.2f}× (par tour : {min(ratios):.2f}× à {max(ratios):.2f}×)")
            if args.polars:
                print(f"rapport {args.base} / polars ({kind}) : "
                      f"{med[f'{args.base} {kind}'] / med[f'polars {kind}']:.2f}×")
    if args.phases:
        for kind in ("minimal", "complet"):
            names = [kind] + ([f"{args.base} {kind}"] if args.base else [])
            print(f"étapes, {kind} (ms de CPU du fil, médianes) : " + " / ".join(names))
            for step in PHASES:
                label = step[0]
                got = [statistics.median(steps[n][label]) * 1000 if label in steps[n] else None for n in names]
                print(f"  {label:28s} " + " / ".join("—" if g is None else f"{g:7.1f}" for g in got))
    if args.polars:
        for kind in ("minimal", "complet"):
            ratios = [ours / peer for ours, peer in zip(times[kind], times[f"polars {kind}"])]
            print(f"polars, {kind} : {med[f'polars {kind}']:.3f} s ; rapport segmenter / polars : "
                  f"{med[kind] / med[f'polars {kind}']:.2f}× (par tour : {min(ratios):.2f}× à {max(ratios):.2f}×)")
            # on a loaded machine polars' second thread waits for a core: its CPU time (both threads)
            # against ours says what a quiet machine would show, within the overlap of its two threads
            print(f"  temps CPU du processus, {kind} : segmenter {statistics.median(cpu[kind]):.3f} s, "
                  f"polars {statistics.median(cpu[f'polars {kind}']):.3f} s (ses deux fils)"
                  + (f", {args.base} {statistics.median(cpu[f'{args.base} {kind}']):.3f} s" if args.base else ""))


# (step, module, public function of that module, its names in older --base revisions): nested steps count in
# their parent too (the per-client sums are what aggregate_invoices spends beyond its three steps)
PHASES = (
    ("read_invoices", "canonical", "read_invoices", ()),
    ("  aggregate_invoices", "invoices.aggregate", "aggregate_invoices", ()),
    ("    line_facts", "invoices.lines", "line_facts", ()),
    ("    factorize_by_hash", "invoices.keys", "factorize_by_hash", ()),
    ("    repeated_purchase_lines", "invoices.orders", "repeated_purchase_lines", ()),
    ("  needs_strip", "canonical", "needs_strip", ()),
    ("  quote_lines", "invoices.documents", "quote_lines", ()),
    ("combine", "client_features", "combine", ("pipeline._combine",)),
    ("score", "scoring", "score", ("pipeline._score",)),
    ("  score_buyers", "scoring", "score_buyers", ("pipeline.score_buyers",)),
    ("  profile_columns", "scoring", "profile_columns", ("pipeline._profile",)),
    ("  potential_reasons", "pmg", "potential_reasons", ()),
    ("summarize", "summary", "summarize", ()),
    ("pareto", "summary", "pareto", ()),
    ("output_frame", "output_frames", "output_frame", ("pipeline._output_frame",)),
    ("client_frame", "output_frames", "client_frame", ("pipeline._client_frame",)),
)


def time_phases(package: str, spent: dict[str, float]) -> None:
    """Wraps the functions of :data:`PHASES` in ``package`` (wherever a module of it imported them)
    so that each call adds its CPU seconds (this thread's) to ``spent[step]``."""
    for label, module, name, older in PHASES:
        for where in (f"{module}.{name}",) + older:
            mod_name, _, fn_name = where.rpartition(".")
            try:
                fn = getattr(importlib.import_module(f"{package}.{mod_name}"), fn_name)
            except (ImportError, AttributeError):
                continue

            def wrapper(*a, __fn=fn, __label=label, **k):
                t0 = time.thread_time()
                try:
                    return __fn(*a, **k)
                finally:
                    spent[__label] = spent.get(__label, 0.0) + time.thread_time() - t0

            for mod in list(sys.modules.values()):
                if getattr(mod, "__name__", "").startswith(package) and getattr(mod, fn_name, None) is fn:
                    setattr(mod, fn_name, wrapper)
            break


def base_package(rev: str):
    """``segmenter_pme`` of git revision ``rev``, imported as ``segmenter_base``."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "archive", rev, "src/segmenter_pme"], cwd=repo, check=True,
                             capture_output=True).stdout
    out = Path(tempfile.mkdtemp(prefix="bench-core-base-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    package = (out / "src" / "segmenter_pme").rename(out / "segmenter_base")
    for path in package.rglob("*.py"):  # its own name, where the code spells it (package data, __import__)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"segmenter_pme"', '"segmenter_base"').replace('"segmenter_pme.', '"segmenter_base.'),
                        encoding="utf-8")
    sys.path.insert(0, str(out))
    return importlib.import_module("segmenter_base")


def polars_query(lines, ref: dt.date, settings: Settings, *, numbered: bool):
    """Per-client figures, R/F/M quintile scores and segment names, in one lazy polars query.

    The fastest spelling we found: conditional columns instead of filters inside the
    aggregation, invoice numbers counted by their 64-bit hash (about 25 % faster than
    the same query with ``filter`` and text numbers, 1 M lines).
    """
    import numpy as np
    import polars as pl

    from segmenter_pme.rules import lookup_by_code

    day = pl.datetime(ref.year, ref.month, ref.day)
    last_ns = pd.Timestamp(ref) + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
    end, one_year, two_years = (pl.lit(last_ns - pd.DateOffset(years=y)) for y in (0, 1, 2))
    amount, date = pl.col("Montant HT"), pl.col("Date")
    credit = (amount < 0) | pl.col("Type").str.contains("(?i)avoir") if numbered else amount < 0
    signed = pl.when(credit & (amount > 0)).then(-amount).otherwise(amount) if numbered else amount
    bought = pl.when(~credit).then(date)
    figures = [bought.min().alias("first"), bought.max().alias("last"), signed.sum().round(2).alias("ca"),
               pl.when(date > one_year).then(signed).otherwise(0.0).sum().round(2).alias("ca12"),
               pl.when((date <= one_year) & (date > two_years)).then(signed).otherwise(0.0).sum().round(2)
               .alias("ca12p"), pl.len().alias("lines")]
    base = lines.lazy()
    if numbered:
        base = base.with_columns(number_hash=pl.col("N° facture").hash())
        figures.append(pl.col("number_hash").filter(~credit).n_unique().cast(pl.Float64).alias("orders"))
    else:
        figures.append((~credit).sum().cast(pl.Float64).alias("orders"))
    clients = (base.filter(date <= end).group_by("Code client").agg(figures)
               .with_columns(recency=(day - pl.col("last").dt.truncate("1d")).dt.total_days()))
    buyers = pl.col("orders") > 0
    n = buyers.sum()

    def score(col: str, higher_is_better: bool):
        # SPEC §3: 1 + floor(5 w / n), w = clients strictly worse
        below = pl.col(col).rank("min") - 1 if higher_is_better else n - pl.col(col).rank("max")
        return (1 + (5 * below) // n).cast(pl.Int16)

    names = [r.name for r in settings.regles_segments] + ["Prospect"]
    table = lookup_by_code(settings.regles_segments)
    codes = np.flatnonzero(table >= 0)
    segment_of = pl.DataFrame({"code": codes.astype(np.int16), "segment": [names[i] for i in table[codes]]}).lazy()
    scored = (clients.filter(buyers)
              .with_columns(r=score("recency", False), f=score("orders", True), m=score("ca", True))
              .with_columns(code=pl.col("r") * 100 + pl.col("f") * 10 + pl.col("m"))
              .join(segment_of, on="code", how="left"))
    return scored.collect()


if __name__ == "__main__":
    main()
