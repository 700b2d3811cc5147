"""Start-up time (issue 16): ``python -c "import segmenter_pme"`` against an empty interpreter.

Run: ``python benchmarks/bench_startup.py [--repeat 15]``. Interleaved rounds of fresh processes; medians.
Target: import ≤ 0.15 s, without pandas.
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
    print(f"{args.repeat} tours entrelacés, médianes (processus neufs) :")
    for name, v in times.items():
        print(f"  {name:28s} {statistics.median(v):6.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
