"""Benchmark of the data audit: duplicate detection quality and audit speed.

Run: ``python benchmarks/bench_audit.py`` (options: ``--entities``, ``--clients``,
``--seeds``). Prints

1. pairwise precision / recall of duplicate detection on labelled sets with
   realistic French variations (``tests/support/labelled.py``), at the
   cleaning threshold (``Settings.seuil_doublons``, 90) and around it;
2. the time of a full audit (duplicates, inactivity, completeness, invalid
   values, Excel damage) and of the cleaning on ~100 000 clients.

Targets (issue 5): precision ≥ 0.95, recall ≥ 0.90, audit of 100 000 clients ≤ 10 s.
Issue 17, on the hard cases: merged pairs precision ≥ 0.98, flagged pairs recall ≥ 0.90.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from segmenter_pme.audit import audit, clean
from segmenter_pme.audit.duplicates import find_duplicate_pairs, group_duplicates
from segmenter_pme.settings import Settings

# the labelled set is test-only code (tests/support/), kept out of the wheel
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.labelled import labelled_clients, pair_metrics  # noqa: E402

TRUTH = ["entite", "variation"]


def quality(n_entities: int, seeds: list[int]) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        df = labelled_clients(n_entities, seed=seed)
        pairs = find_duplicate_pairs(df.drop(columns=TRUTH))
        for threshold in (85, 90, 95):
            groups = group_duplicates(pairs, df, threshold=threshold)
            pred = pd.Series(groups["groupe"].to_numpy(), index=groups["ligne"].to_numpy()).reindex(df.index)
            m = pair_metrics(df["entite"], pred)
            rows.append({"graine": seed, "lignes": len(df), "seuil": threshold, **m})
    return pd.DataFrame(rows)


def demo_quality(seeds: list[int]) -> pd.DataFrame:
    """The same measure on the demo base of :mod:`segmenter_pme.demo` (duplicates injected by another
    generator, written independently of ours), read through the same header mapping and parsing as a file."""
    from segmenter_pme.audit.prepare import prepare_clients
    from segmenter_pme.demo import generate_demo

    rows = []
    for seed in seeds:
        demo = generate_demo(3000, seed=seed)
        clients = demo.clients.copy()
        clients.index = clients.index + 2
        prepared = prepare_clients(clients)
        pairs = find_duplicate_pairs(prepared.clients)
        dg = demo.duplicate_groups.copy()
        dg["row"] += 2
        truth = pd.Series(range(len(clients)), index=clients.index).astype(object)
        truth[dg["row"].to_numpy()] = ("g" + dg["groupe"].astype(str)).to_numpy()
        for threshold in (85, 90, 95):
            groups = group_duplicates(pairs, prepared.clients, threshold=threshold)
            pred = pd.Series(groups["groupe"].to_numpy(), index=groups["ligne"].to_numpy()).reindex(clients.index)
            rows.append({"graine": seed, "lignes": len(clients), "seuil": threshold, **pair_metrics(truth, pred)})
    return pd.DataFrame(rows)


def hard_quality(seeds: list[int]) -> pd.DataFrame:
    """Issue 17's figures on :mod:`hard_duplicates` (namesakes, group companies, weak-evidence duplicates):
    precision of the pairs « Nettoyer » merges (threshold ``seuil_doublons``) and recall of every pair the
    audit shows (merged or « à vérifier », threshold ``AUDIT_GROUP_THRESHOLD``)."""
    from hard_duplicates import hard_clients

    from segmenter_pme.audit.report import AUDIT_GROUP_THRESHOLD

    merge = Settings().seuil_doublons
    rows = []
    for seed in seeds:
        df = hard_clients(seed=seed)
        pairs = find_duplicate_pairs(df.drop(columns=["entite", "cas"]))
        figures = {}
        for name, threshold in (("fusion", merge), ("signalees", AUDIT_GROUP_THRESHOLD)):
            groups = group_duplicates(pairs, df, threshold=threshold)
            pred = pd.Series(groups["groupe"].to_numpy(), index=groups["ligne"].to_numpy()).reindex(df.index)
            figures[name] = pair_metrics(df["entite"], pred)
        rows.append({"graine": seed, "lignes": len(df),
                     "precision_fusion": figures["fusion"]["precision"], "rappel_fusion": figures["fusion"]["recall"],
                     "precision_signalees": figures["signalees"]["precision"],
                     "rappel_signalees": figures["signalees"]["recall"]})
    return pd.DataFrame(rows)


def damaged_raw(clients: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The cells as Excel would hand them back: some postal codes as numbers, SIRET as floats, dates as text."""
    raw = clients.astype(object)
    n = len(raw)
    pick = rng.random(n)
    cp = raw["code_postal"]
    lost = (pick < 0.05) & cp.map(lambda v: isinstance(v, str) and v.startswith("0")).to_numpy()
    raw.loc[lost, "code_postal"] = cp[lost].map(int)
    has_siret = raw["siret"].notna().to_numpy()
    as_float = has_siret & (rng.random(n) < 0.5)
    raw.loc[as_float, "siret"] = raw["siret"][as_float].map(float)
    as_text = rng.random(n) < 0.03
    raw.loc[as_text, "date_dernier_achat"] = raw["date_dernier_achat"][as_text].map(
        lambda d: d.strftime("%d/%m/%Y") if isinstance(d, pd.Timestamp) else d)
    return raw


def speed(n_clients: int, seed: int = 11) -> dict[str, float]:
    entities = int(n_clients / 1.32)  # ~32 % more rows than companies with the default duplicate share
    t = time.perf_counter()
    df = labelled_clients(entities, seed=seed).drop(columns=TRUTH)
    gen = time.perf_counter() - t
    rng = np.random.default_rng(seed)
    df["secteur"] = rng.choice(["Commerce", "Industrie", "Construction", None], len(df))
    df["code_postal"] = df["code_postal"].astype(object)
    raw = damaged_raw(df, rng)
    orders = df["nb_commandes"].where(rng.random(len(df)) < 0.98, df["nb_commandes"] + 1)
    settings = Settings(date_analyse=dt.date(2025, 12, 31))
    t = time.perf_counter()
    report = audit(df, raw=raw, invoice_orders=orders, settings=settings)
    audit_s = time.perf_counter() - t
    t = time.perf_counter()
    result = clean(df, pairs=report.pairs, repairs=report.repairs, settings=settings)
    clean_s = time.perf_counter() - t
    return {"clients": len(df), "generation_s": gen, "audit_s": audit_s, "nettoyage_s": clean_s,
            "problemes": sum(report.counts.values()), "groupes": report.duplicates["groupe"].nunique(),
            "fusionnes": result.merged_rows, "inactifs": result.inactive_rows, "score": report.score}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=5000, help="companies per labelled set")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9])
    parser.add_argument("--clients", type=int, default=100_000, help="rows of the speed test (0 = skip)")
    args = parser.parse_args(argv)
    print(f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {sys.version.split()[0]}")
    q = quality(args.entities, args.seeds)
    pd.set_option("display.width", 200)
    print("\nDétection des doublons (paires) :")
    print(q.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    agg = q.groupby("seuil")[["true_pairs", "predicted_pairs", "correct_pairs"]].sum()
    agg["precision"] = agg["correct_pairs"] / agg["predicted_pairs"]
    agg["recall"] = agg["correct_pairs"] / agg["true_pairs"]
    print("\nToutes graines confondues :")
    print(agg.to_string(float_format=lambda x: f"{x:.4f}"))
    from hard_duplicates import SEEDS

    h = hard_quality(list(SEEDS))
    print("\nCas difficiles (benchmarks/hard_duplicates.py : homonymes, sociétés d'un groupe, déménagés…) :")
    print(h.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    d = demo_quality([20251231, 1, 2])
    print("\nBase de démonstration (segmenter_pme.demo, 3 % de doublons injectés) :")
    print(d.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    if args.clients:
        s = speed(args.clients)
        print(f"\nVitesse sur {s['clients']} clients : audit {s['audit_s']:.2f} s, nettoyage {s['nettoyage_s']:.2f} s "
              f"({s['problemes']} problèmes, {s['groupes']} groupes de doublons, {s['fusionnes']} fiches fusionnées, "
              f"{s['inactifs']} inactifs archivés, score {s['score']}/100).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
