"""French text parsing speed (issue 16): parse_dates / parse_amounts on 1 M usual values.

Run: ``python benchmarks/bench_parsing.py [--rows 1000000] [--repeat 5]``. Each round times, interleaved:
our parsers on Arrow text (what a CSV read gives: the fast path), the same on object text (the careful
parser alone, as before issue 16), and the bare Arrow kernels (strptime; comma → dot then cast) as the
floor. Prints medians and the ratios to the kernels. Target: ≤ 3 × the kernels.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bench_core import timed  # the same timing rule as the core's benchmark
from segmenter_pme.parsing import parse_amounts, parse_dates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(7)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, args.rows), unit="D")
    dates = pd.Series(days.strftime("%d/%m/%Y"), dtype="str")
    amounts = pd.Series([f"{v:.2f}".replace(".", ",") for v in rng.lognormal(4, 1.2, args.rows)], dtype="str")
    dates_obj, amounts_obj = dates.astype(object), amounts.astype(object)
    arrow_dates, arrow_amounts = pa.array(dates), pa.array(amounts)
    runs = {
        "parse_dates (texte Arrow)": lambda: parse_dates(dates),
        "pc.strptime seul": lambda: pc.strptime(arrow_dates, format="%d/%m/%Y", unit="ns"),
        "parse_amounts (texte Arrow)": lambda: parse_amounts(amounts),
        "virgule → point + cast seuls": lambda: pc.cast(pc.replace_substring(arrow_amounts, ",", "."), pa.float64()),
        "parse_dates (objets, ancien chemin)": lambda: parse_dates(dates_obj),
        "parse_amounts (objets, ancien chemin)": lambda: parse_amounts(amounts_obj),
    }
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.repeat):
        for name, fn in runs.items():
            times[name].append(timed(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.rows:_} valeurs, {args.repeat} tours entrelacés, médianes :".replace("_", " "))
    for k, v in med.items():
        print(f"  {k:40s} {v:7.3f} s")
    print(f"  parse_dates / strptime   = {med['parse_dates (texte Arrow)'] / med['pc.strptime seul']:.2f} ×  (cible ≤ 3)")
    print(f"  parse_amounts / cast     = {med['parse_amounts (texte Arrow)'] / med['virgule → point + cast seuls']:.2f} ×  (cible ≤ 3)")
    print(f"  avant → après : dates {med['parse_dates (objets, ancien chemin)'] / med['parse_dates (texte Arrow)']:.1f} × plus "
          f"rapide, montants {med['parse_amounts (objets, ancien chemin)'] / med['parse_amounts (texte Arrow)']:.1f} ×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
