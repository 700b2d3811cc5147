"""Start-up time (issue 16): ``python -c "import segmenter_pme"`` against an empty interpreter.

Run: ``python benchmarks/bench_startup.py [--repeat 15]``. Interleaved rounds of fresh processes; medians.
Target: import ≤ 0.15 s, without pandas.

The cell functions: Excel's UDF server is an xlwings process (``import xlwings.server`` first), and
xlwings imports pandas and polars itself when they are installed — so « import xlwings » is what every
cell function pays before any code of ours runs; the rows after it say what our module and a first
call add on top (REGION: reference tables only; RFM_SCORE: the French parsers and the quintiles).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

RUNS = {
    "python -c pass": "pass",
    "import segmenter_pme": "import segmenter_pme",
    "+ Settings()": "import segmenter_pme; segmenter_pme.Settings()",
    "+ segment (le cœur)": "import segmenter_pme; segmenter_pme.segment",
    "import segmenter_pme.cli": "import segmenter_pme.cli",
    "import xlwings (serveur UDF)": "import xlwings",
    "+ import excel.udfs": "import xlwings; import segmenter_pme.excel.udfs",
    "+ 1er =REGION(…)": "import xlwings; from segmenter_pme.excel import udfs; udfs.REGION('75001')",
    "+ 1er =RFM_SCORE(…)": "import xlwings; from segmenter_pme.excel import udfs; "
                           "udfs.RFM_SCORE('01/03/2025', 3, '1 234,50', ['01/03/2025', '15/06/2024', '02/01/2023'], "
                           "[3, 1, 7], [1234.5, 80, 5000], '31/12/2025')",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {k: [] for k in RUNS}
    for _ in range(args.repeat):
        for name, code in RUNS.items():
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[name].append(time.perf_counter() - t)
    print(f"{args.repeat} tours entrelacés, médianes (processus neufs ; machine partagée : lire les écarts) :")
    med = {name: statistics.median(v) for name, v in times.items()}
    for name, v in med.items():
        print(f"  {name:28s} {v:6.3f} s")
    xl = med["import xlwings (serveur UDF)"]
    print(f"  ce que nos fonctions de cellule ajoutent à xlwings : module {med['+ import excel.udfs'] - xl:+.3f} s, "
          f"1er REGION {med['+ 1er =REGION(…)'] - xl:+.3f} s, 1er RFM_SCORE {med['+ 1er =RFM_SCORE(…)'] - xl:+.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
