"""What :func:`segmenter_pme.segment` returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .problems import Issue
from .settings import Settings


@dataclass
class Pareto:
    """``gros_clients_pct`` % of clients (the Gros) make ``gros_ca_pct`` % of CA.

    ``curve``: columns ``% clients`` and ``% CA`` (cumulated, clients sorted by CA
    descending), at most 101 points, for the Pareto chart.
    """

    gros_clients_pct: float
    gros_ca_pct: float
    sentence: str
    curve: pd.DataFrame


@dataclass
class LineFacts:
    """What ``history()`` needs of the invoice lines to replay them at past dates, kept by
    ``segment()`` so that the lines are read once (see ``replay.build_replay``).

    Per line: ``kcodes`` its client code (-1: no key), ``d`` its date (int64 ns),
    ``purchase`` a purchase (not a credit note) among the kept lines; ``keep`` the
    lines that count (None: all), ``sk`` the signed amounts of the kept lines;
    ``repeated``: positions of the purchase lines that repeat an invoice (not
    orders); ``codes``: the client code of each aggregated row (None: row i is
    code i); ``feature_rows``: for each row of ``features``, its aggregated row (-1: none).
    """

    kcodes: np.ndarray
    d: np.ndarray
    keep: np.ndarray | None
    purchase: np.ndarray
    sk: np.ndarray
    repeated: np.ndarray | None
    codes: np.ndarray | None
    feature_rows: np.ndarray

    @classmethod
    def of(cls, capture: dict) -> "LineFacts":
        lines = capture["lines"]  # only these arrays of the lines: the others are freed
        return cls(capture["kcodes"], lines.d, lines.keep, lines.purchase, lines.sk, capture["repeated"],
                   capture["codes"], capture["feature_rows"])


@dataclass
class SegmentationResult:
    """The outcome of a run.

    - ``clients``: one row per client — the rows of the input client table first,
      with their index labels and their own columns untouched, then the clients
      found only in the invoice lines (new integer labels following the largest
      one, so an Excel-row index maps to the rows to append) — plus the output
      columns :data:`segmenter_pme.fields.SEGMENT_COLUMNS`.
    - ``output``: only the output columns, same index.
    - ``features``: per client, canonical analysis columns: ``cle``, ``source``
      (``clients`` / ``factures``), ``raison_sociale``, ``date_premier_achat``,
      ``date_dernier_achat``, ``nb_commandes``, ``ca_total``, ``recence``,
      ``score_r``, ``score_f``, ``score_m``, ``ca_12m``, ``ca_12m_prec``,
      ``secteur``, ``taille``, ``region``, ``departement``, ``siret_valide``.
    - ``summary``: columns ``Dimension`` (Segment RFM / Segment PMG / Segment
      Secteur / Taille / Région), ``Segment``, ``Clients``, ``% base``, ``CA``,
      ``% CA``, ``Commandes``, ``Panier moyen``, ``CA moyen`` (percentages as
      fractions 0..1).
    - ``boundaries``: columns ``Dimension`` (R/F/M), ``Score`` (5..1), ``Min``,
      ``Max``, ``Clients``, ``Règle`` (French text of the band).
    - ``rf_grid``: 5×5 frame, index Score R 5..1, columns Score F 1..5, client counts.
    - ``warnings``: French sentences for the Synthèse (small segments, too many
      segments, purchases after the analysis date…).
    - ``issues``: every :class:`Issue` found.
    - ``open_quotes``: the open quotes of the invoice lines (:mod:`segmenter_pme.invoices.quotes`),
      columns ``client`` (label in ``features``), ``numero``, ``date``, ``montant``;
      empty without quote lines.
    """

    clients: pd.DataFrame
    output: pd.DataFrame
    features: pd.DataFrame
    summary: pd.DataFrame
    boundaries: pd.DataFrame
    rf_grid: pd.DataFrame
    pareto: Pareto
    warnings: list[str]
    issues: list[Issue]
    settings: Settings
    analysis_date: dt.date
    client_columns: dict[str, str] = field(default_factory=dict)
    invoice_columns: dict[str, str] = field(default_factory=dict)
    # with invoice lines: what history() replays, so that it need not read them again
    line_facts: LineFacts | None = field(default=None, repr=False, compare=False)
    open_quotes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"client": pd.Series(dtype=object), "numero": pd.Series(dtype="string"),
         "date": pd.Series(dtype="datetime64[ns]"), "montant": pd.Series(dtype="float64")}))
