"""What :func:`segmenter_pme.history` returns (SPEC §8).

Every frame's columns are listed here: scripts, the workbook sheets
(« Évolution », « Campagnes », « Historique ») and the CLI read them by name.
Dates are ``pd.Timestamp`` (midnight); rates are fractions 0..1; CA in euros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .problems import Issue
from .result import SegmentationResult
from .settings import Settings

# labels shared with the sheets
NOT_YET_CLIENT = "Pas encore client"  # row of the migration matrices: not in the previous snapshot
NEW_CLIENTS = "Nouveaux clients de la période"  # KPI row: first order in the period
POTENTIAL = "Petits à potentiel"  # segment of the « Potentiel » dimension
OTHER_SMALL = "Autres Petits"  # the Petits without potential, for comparison
DIMENSIONS = ("RFM", "PMG", "Potentiel")

SOURCE_INVOICES = "factures"  # the past is replayed from the invoice lines
SOURCE_SNAPSHOTS = "historique"  # from the snapshots stored in the « Historique » sheet
SOURCE_NONE = "aucun"  # first run without invoice lines: nothing to compare with yet

# the columns of the stored snapshots (sheet « Historique ») as history() reads them
SNAPSHOT_COLUMNS = ("analysis_date", "key", "segment_rfm", "segment_pmg", "score_r", "score_f", "score_m",
                    "ca_total", "orders", "last_purchase")

# the user's columns of the « Campagnes » sheet, then the result columns we fill to their right
CAMPAIGN_INPUT_COLUMNS = ("Campagne", "Date d'envoi", "Cible", "Fenêtre (jours)", "Canal", "Coût (€)")
CAMPAIGN_RESULT_COLUMNS = ("Clients ciblés", "Acheteurs", "Taux de conversion", "CA généré", "Taux habituel",
                           "Effet (points)", "Statut", "Remarque")


@dataclass(frozen=True)
class PotentielCheck:
    """« Petits à potentiel », checked on the user's own past (SPEC §8).

    Among the Petits of the snapshot at ``reference_date`` (D − 12 months): the
    ``potential`` ones (Petits à potentiel then) and the ``others``; how many of
    each are Moyens or Gros at D (``*_up``) and that share (``*_share``, 0..1,
    NaN when the group is empty). ``sentence``: one French sentence with the figures.
    """

    reference_date: pd.Timestamp
    potential: int
    potential_up: int
    potential_share: float
    others: int
    others_up: int
    others_share: float
    sentence: str


class Lazy:
    """A field value made on first read (see :class:`HistoryResult`)."""

    def __init__(self, make):
        self.make = make


@dataclass(frozen=True)
class HistoryResult:
    """The history of a client base (SPEC §8).

    - ``source``: ``'factures'`` (replayed from invoice lines), ``'historique'``
      (stored snapshots, no invoice lines) or ``'aucun'`` (nothing to compare
      with: then the frames below are empty with their columns).
    - ``analysis_date``: D. ``period_kind``: ``'trimestre'`` or ``'mois'``.
    - ``reach``: one French sentence saying where the history comes from and how
      far back it reaches (for « Évolution »).
    - ``periods``: one row per period, oldest first — ``label`` (« T3 2025 »,
      « T4 2025 (au 15/11) », « nov. 2025 »…), ``start`` (a: the period is
      (a, b], its members are taken in the snapshot at a), ``end`` (b),
      ``partial`` (bool: the last period, cut at D).
    - ``snapshots``: long form, one row per (snapshot date, client in that
      snapshot) — ``period_end`` (the snapshot date: every period's start and
      end; the last one is D), ``key`` (client key text: Code client, else
      company name / e-mail as in the invoices), ``row`` (the client's label in
      ``segment()``'s ``clients`` index — the Excel row — or None for a stored
      client no longer in the file), ``segment_rfm``, ``segment_pmg``,
      ``potentiel`` (bool: Petit à potentiel), ``score_r``, ``score_f``,
      ``score_m`` (nullable Int8, missing for « Non classé »), ``ca_total``
      (float), ``orders`` (Int32), ``last_purchase`` (datetime64). Clients with no order at that date are not
      in it. The rows at D equal ``segment()``'s output for its clients with at
      least one order; they are what the « Historique » sheet stores. With
      invoice lines this frame (millions of rows on a large base, which most
      callers never read) is built on first read.
    - ``kpis``: long form, one row per (dimension, segment, period) —
      ``dimension`` (``RFM``, ``PMG``, ``Potentiel``), ``segment`` (in the
      settings' order; for Potentiel: ``Petits à potentiel`` and ``Autres Petits``;
      in every dimension also the row ``Nouveaux clients de la période``),
      ``period_label``, ``period_start``, ``period_end`` (Timestamp),
      ``clients`` (members: in the segment in the snapshot at the period's start;
      for the Nouveaux row, clients whose first order is in the period), ``ca``
      (net CA of the members dated in the period), ``retention`` (0..1, share of
      members with an order in the period; NaN without members and on the
      Nouveaux row), ``evolution_ca`` (ca / ca of the previous period − 1, NaN
      when not computable), ``evolution_ca_n1`` (vs the same period one year
      earlier, NaN when the history does not reach it).
    - ``migration``: ``{"RFM": frame, "PMG": frame}`` of client counts (int),
      index = segment in the snapshot at the start of the last period (settings'
      order, then ``Pas encore client``), columns = segment at D (settings'
      order; ``Non classé`` only when some client is). Rows sum to the previous
      snapshot's segment sizes, columns to the current ones.
    - ``migration_ca``: same shape, the CA of the last 12 months at D of the
      clients of each cell.
    - ``previous_segment``: Series aligned to ``segment()``'s ``clients`` index,
      the column « Segment RFM précédent »: the segment at the start of the last
      period, ``Pas encore client`` for a client who had no order then,
      ``Prospect`` for a client who still has none.
    - ``watch``: « Clients à surveiller » — were Champions, Fidèles or Gros at
      the start of the last period, are now À risque, À réactiver or Perdus; by
      ``ca_total`` descending. Columns ``key``, ``name``, ``row``,
      ``previous_rfm``, ``segment_rfm``, ``previous_pmg``, ``segment_pmg``,
      ``ca_total``, ``ca_12m``, ``last_purchase``.
    - ``campaigns``: the user's Campagnes rows (same index = Excel rows, their
      columns untouched) + :data:`CAMPAIGN_RESULT_COLUMNS`: ``Clients ciblés``,
      ``Acheteurs`` (Int64), ``Taux de conversion`` (0..1), ``CA généré`` (€),
      ``Taux habituel`` (0..1), ``Effet (points)`` (percentage points,
      conversion − habituel, e.g. 4.5), ``Statut`` (``terminée`` /
      ``en cours (J+12 / 30)``), ``Remarque`` (French text for a row that could
      not be computed, its result cells then empty; '' otherwise).
    - ``potentiel_check``: :class:`PotentielCheck`, or None under 12 months of history.
    - ``signals``: weak signals, at most 5, strongest first — ``axis``
      (``Secteur × Région`` / ``Secteur × Taille``), ``secteur``, ``group``
      (the Région or Taille), ``clients``, ``ca_12m``, ``ca_12m_prev``,
      ``growth`` (0..n, NaN without CA the year before), ``base_growth``,
      ``ca_per_client``, ``base_ca_per_client``, ``reason`` (``croissance`` /
      ``ca_par_client``), ``sentence`` (one French sentence with the figures).
    - ``changes``: 3 to 5 French sentences « Ce qui a changé ce trimestre »
      with figures (fewer, or none, when there is no history).
    - ``warnings``: French sentences; ``issues``: :class:`Issue` records (bad
      campaign rows, sheet « Campagnes », with their row) for « Qualité ».
    - ``segmentation``: the :class:`SegmentationResult` of D that history()
      used: the ``result`` it was given, else the one it made.
    """

    source: str
    analysis_date: dt.date
    period_kind: str
    reach: str
    periods: pd.DataFrame
    snapshots: pd.DataFrame
    kpis: pd.DataFrame
    migration: dict[str, pd.DataFrame]
    migration_ca: dict[str, pd.DataFrame]
    previous_segment: pd.Series
    watch: pd.DataFrame
    campaigns: pd.DataFrame
    potentiel_check: PotentielCheck | None
    signals: pd.DataFrame
    changes: list[str]
    settings: Settings
    warnings: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    segmentation: SegmentationResult | None = None

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if type(value) is Lazy:
            value = value.make()
            object.__setattr__(self, name, value)
        return value


PERIOD_COLUMNS = ("label", "start", "end", "partial")
SNAPSHOT_FRAME_COLUMNS = ("period_end", "key", "row", "segment_rfm", "segment_pmg", "potentiel", "score_r",
                          "score_f", "score_m", "ca_total", "orders", "last_purchase")
KPI_COLUMNS = ("dimension", "segment", "period_label", "period_start", "period_end", "clients", "ca", "retention",
               "evolution_ca", "evolution_ca_n1")
WATCH_COLUMNS = ("key", "name", "row", "previous_rfm", "segment_rfm", "previous_pmg", "segment_pmg", "ca_total",
                 "ca_12m", "last_purchase")
SIGNAL_COLUMNS = ("axis", "secteur", "group", "clients", "ca_12m", "ca_12m_prev", "growth", "base_growth",
                  "ca_per_client", "base_ca_per_client", "reason", "sentence")
