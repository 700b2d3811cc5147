"""The demo base put together: clients, their invoice lines, duplicates and damaged cells."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .damage import damage
from .duplicate_rows import duplicate_rows, pick_duplicates
from .export_lines import Documents, client_codes, document_numbers, documents, invoice_frame, split_lines
from .identities import Identities
from .purchases import PROFILES, assign_profiles, credit_notes, invoices_of, purchase_pattern

CLIENT_COLUMNS: tuple[str, ...] = (
    "Code client", "Nom", "Entreprise", "Secteur", "Date premier achat", "Date dernier achat",
    "Nombre commandes", "CA total", "Email", "Téléphone", "Code postal", "Ville", "Effectif",
    "Code NAF", "SIRET",
)
INVOICE_COLUMNS: tuple[str, ...] = (
    "Code client", "Client", "Date", "N° facture", "Type", "Montant HT", "Montant TTC",
)


@dataclass
class DemoData:
    """What :func:`generate_demo` returns.

    - ``clients``: one row per client, RangeIndex, columns :data:`CLIENT_COLUMNS`
      (``Code client``, ``Nom``, ``Entreprise``, ``Secteur``, ``Date premier achat``,
      ``Date dernier achat``, ``Nombre commandes``, ``CA total``, ``Email``,
      ``Téléphone``, ``Code postal``, ``Ville``, ``Effectif``, ``Code NAF``, ``SIRET``).
    - ``invoices``: one row per invoice or credit-note line, RangeIndex, columns
      :data:`INVOICE_COLUMNS` (``Code client``, ``Client``, ``Date``, ``N° facture``,
      ``Type``, ``Montant HT``, ``Montant TTC``), sorted by date then number.
    - ``reference_date``: the analysis date the base was built for.
    - ``duplicate_groups``: the injected duplicates — columns ``row`` (index label in
      ``clients``), ``groupe`` (int, shared by the original and its duplicate),
      ``type`` (``original`` for the source row, else one of :data:`DUPLICATE_TYPES`).
    - ``dirty_cells``: the injected damage — columns ``row`` (index label in
      ``clients``), ``colonne`` (header), ``type`` (kind of damage, see
      :func:`generate_demo`). Empty when ``dirty=False``.
    """

    clients: pd.DataFrame
    invoices: pd.DataFrame
    reference_date: dt.date
    duplicate_groups: pd.DataFrame
    dirty_cells: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "colonne", "type"]))



def generate_demo(
    n_clients: int = 3000,
    *,
    seed: int = 20251231,
    reference_date: dt.date = dt.date(2025, 12, 31),
    dirty: bool = True,
    duplicates: bool = True,
    showcase: bool = False,
) -> DemoData:
    """A deterministic synthetic client base of a French SME, with its invoice lines.

    *n_clients* original clients (plus about 3 % duplicate rows when *duplicates*),
    of which exactly ``round(0.08 * n_clients)`` are prospects (no order: empty
    dates, 0 orders, CA empty or 0). The others follow profiles (champions, regular,
    new, lapsed, one-time, occasional buyers) with a Pareto-like CA (the top 20 %
    make about 80 % of the CA). See :class:`DemoData` for the frames and columns.

    Client table vs invoices: for every client with invoice lines, ``Date premier
    achat`` / ``Date dernier achat`` are the first/last invoice (``Type`` =
    ``Facture``) date, ``Nombre commandes`` the number of distinct invoice numbers
    (credit notes excluded) and ``CA total`` the net sum of ``Montant HT``
    (credit notes included), all on lines dated on or before *reference_date*.
    Credit notes are dated between their invoice and the client's last invoice, so
    the first/last dates are the same whether or not credit notes count as purchases.

    Invoice lines: ``FA-AAAA-NNNNNN`` numbers (``AV-…`` for credit notes, ~3 % of
    lines, negative amounts), ~10 % of invoices on several lines sharing a number
    and a date, ``Montant TTC`` = HT × 1.2, ~0.5 % of lines dated after
    *reference_date* (ignored by the client table — they exercise the analysis-date
    warning), a handful of clients (``max(3, n/500)``) found only in the invoices,
    and a couple of clients whose credit notes exceed their invoices (CA < 0).
    Invoices are always typed (datetime64[ns], float64) even when *dirty*.

    ``duplicates=True`` adds ``round(0.03 * n_clients)`` rows copying an existing
    client (with at least two invoices) under a new ``Code client``; the original's
    invoices are split between both rows, so both carry their own orders and CA.
    Kinds (:data:`DUPLICATE_TYPES`): ``meme_siren`` (same SIREN, other NIC, other
    name), ``faute_frappe``, ``forme_juridique`` (form removed, added, respelled or
    moved), ``accents`` (removed, sometimes upper case), ``casse``,
    ``mots_inverses``, ``ets`` (« Ets » / « Établissements » added, swapped or
    removed), ``meme_email`` (same e-mail, the contact's name as company name).
    Duplicates keep the original's SIRET about 40 % of the time, else have none.

    ``showcase=True`` (the demo a new user opens): no line after *reference_date*
    (the warning is for real files), and a share of the regular buyers who order
    often but little, so that every default RFM segment weighs at least 5 % of the
    base. ``showcase=False`` gives the same frames as before that option.

    ``dirty=True`` damages a few percent of the client rows the way Excel and
    exports do; every damaged cell is listed in :attr:`DemoData.dirty_cells`:

    - ``cp_sans_zero``: ``Code postal`` as an int that lost its leading zero (1000);
    - ``siret_float``: ``SIRET`` as a float (3.5600000000001e13, shown 3,56E+13);
    - ``siret_invalide``: last digit changed, Luhn check fails;
    - ``siret_vide``: ``SIRET`` missing;
    - ``ca_texte``: ``CA total`` as French text ``1 234,56 €`` with normal,
      non-breaking (U+00A0) or narrow (U+202F) spaces, with or without ``€``;
    - ``ca_parentheses`` / ``ca_moins_final``: the negative CAs as ``(123,45)`` /
      ``123,45-``;
    - ``date_texte``: both purchase dates as ``31/12/2025`` text;
    - ``date_serie_excel``: both purchase dates as Excel serial numbers (int);
    - ``secteur_vide`` (None), ``secteur_casse`` (``commerce``, ``COMMERCE `` …);
    - ``email_invalide``: a couple of e-mails with bad syntax;
    - ``date_future``: ``Date dernier achat`` after *reference_date* (1–2 clients).

    All kinds but ``siret_invalide``, ``siret_vide``, ``email_invalide``,
    ``secteur_vide`` and ``date_future`` keep the value: parsed back, the row is
    again consistent with the invoices. With ``dirty=False`` every value is clean
    and typed: dates datetime64[ns], ``Nombre commandes`` and ``Effectif`` int64,
    ``CA total`` float64, ``Code postal`` 5-character strings, ``SIRET`` 14-digit
    strings (None only for duplicates without SIRET).
    """
    if n_clients < 1:
        raise ValueError("n_clients doit être au moins 1")
    rng = np.random.default_rng(seed)
    ref_date = pd.Timestamp(reference_date).date()
    ref_day = np.datetime64(ref_date, "D")
    n = int(n_clients)

    siren_taken: set[int] = set()
    cores_taken: set[str] = set()
    ids = Identities(rng, n, siren_taken, cores_taken)
    profile = assign_profiles(rng, n)
    prospect = profile == 0
    n_invoices, first_ago, last_ago, scale = purchase_pattern(rng, profile, ids.effectif, showcase)
    inv_owner, inv_ago, inv_cents = invoices_of(rng, n_invoices, first_ago, last_ago, scale)
    parent, credit_cents, credit_ago, negative = credit_notes(rng, inv_owner, inv_ago, inv_cents, profile, n)

    # duplicates: new identities copied from originals, with part of their invoices
    sources, kinds = pick_duplicates(rng, n, n_invoices, prospect, negative, ids) if duplicates else ([], [])
    n_dup = len(sources)
    owner, dup_rows = duplicate_rows(rng, ids, sources, kinds, n_invoices, inv_owner, n)

    # clients found only in the invoices
    n_only = max(3, int(round(n / 500)))
    only = Identities(rng, n_only, siren_taken, cores_taken)
    only_owner = np.repeat(np.arange(n_only), 1 + rng.poisson(1.5, n_only)) + n + n_dup
    only_ago = rng.integers(0, 730, only_owner.size)
    only_cents = np.round(rng.lognormal(6.0, 0.8, only_owner.size) * 100).astype(np.int64)

    # lines after the reference date, for active clients (the analysis-date warning)
    active = np.flatnonzero(np.isin(profile, [PROFILES.index("champion"), PROFILES.index("regulier")]))
    n_future = max(1, int(round(0.005 * (inv_owner.size + parent.size))))
    future_owner = rng.choice(active if active.size else np.flatnonzero(~prospect), size=n_future)
    future_ago = -rng.integers(1, 45, n_future)
    future_cents = np.round(scale[future_owner] * rng.lognormal(0, 0.5, n_future) * 100).astype(np.int64) + 500
    if showcase:
        future_owner, future_ago, future_cents = future_owner[:0], future_ago[:0], future_cents[:0]

    n_owners = n + n_dup + n_only
    docs = documents([(owner, inv_ago, inv_cents), (only_owner, only_ago, only_cents),
                      (future_owner, future_ago, future_cents)], (owner[parent], credit_ago, credit_cents),
                     np.concatenate([inv_ago, only_ago, future_ago, inv_ago[parent]]), n_owners)
    line_doc, line_cents = split_lines(rng, docs)
    doc_date = ref_day - docs.days_ago.astype("timedelta64[D]")
    doc_seq, numbers = document_numbers(docs, doc_date)
    codes = client_codes(rng, docs, n_owners)
    names = np.empty(n_owners, dtype=object)
    names[:n] = [ids.entreprise(i) for i in range(n)]
    names[n:n + n_dup] = [r["core_name"] for r in dup_rows]
    names[n + n_dup:] = [only.entreprise(i) for i in range(n_only)]
    invoices = invoice_frame(docs, doc_date, doc_seq, numbers, line_doc, line_cents, codes, names)

    clients, label_of = _client_table(rng, docs, ref_day, codes, names, ids, dup_rows, n, n_dup, n_owners)
    dup_groups = pd.DataFrame({
        "row": np.concatenate([label_of[sources], label_of[n + np.arange(n_dup)]]).astype(np.int64),
        "groupe": np.tile(np.arange(1, n_dup + 1), 2).astype(np.int64),
        "type": pd.array(["original"] * n_dup + kinds, dtype="str"),
    }).sort_values(["groupe", "row"], kind="stable").reset_index(drop=True)

    dirty_cells = pd.DataFrame({"row": pd.Series(dtype=np.int64), "colonne": pd.Series(dtype="str"),
                                "type": pd.Series(dtype="str")})
    if dirty:
        negatives = label_of[negative] if negative.size else np.array([], dtype=np.int64)
        dirty_cells = damage(clients, rng, ref_date, negatives)

    return DemoData(clients=clients, invoices=invoices, reference_date=ref_date,
                    duplicate_groups=dup_groups, dirty_cells=dirty_cells)


def _client_table(rng: np.random.Generator, docs: Documents, ref_day: np.datetime64, codes: np.ndarray,
                  names: np.ndarray, ids: Identities, dup_rows: list[dict], n: int, n_dup: int, n_owners: int
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    """The client table aggregated from the lines up to the reference date, sorted by code, and the
    row label of each client (originals, then duplicates)."""
    past = docs.days_ago >= 0
    invoiced = (docs.kind == 0) & past
    first_ago = np.full(n_owners, -1, dtype=np.int64)
    np.maximum.at(first_ago, docs.owner[invoiced], docs.days_ago[invoiced])
    n_orders = np.bincount(docs.owner[invoiced], minlength=n_owners).astype(np.int64)
    ca_cents = np.bincount(docs.owner[past], weights=docs.cents[past], minlength=n_owners)
    bought = n_orders > 0
    nat = np.datetime64("NaT", "ns")
    first_date = np.where(bought, (ref_day - np.where(bought, first_ago, 0).astype("timedelta64[D]")), nat)
    last_date = np.where(bought, (ref_day - np.where(bought, docs.owner_last, 0).astype("timedelta64[D]")), nat)
    first_date, last_date = first_date.astype("datetime64[ns]"), last_date.astype("datetime64[ns]")
    ca = np.round(ca_cents) / 100
    rows = np.arange(n + n_dup)
    ca_rows = ca[rows].copy()
    no_order = ~bought[rows]
    ca_rows[no_order & (rng.random(rows.size) < 0.5)] = np.nan  # prospects: CA empty or 0

    def pick(attr: str, dup_key: str) -> list:
        return list(getattr(ids, attr)) + [r[dup_key] for r in dup_rows]

    clients = pd.DataFrame({
        "Code client": pd.array(codes[rows], dtype="str"),
        "Nom": pd.array(pick("nom", "nom"), dtype="str"),
        "Entreprise": pd.array(names[rows], dtype="str"),
        "Secteur": pd.array(pick("secteur", "secteur"), dtype="str"),
        "Date premier achat": first_date[rows],
        "Date dernier achat": last_date[rows],
        "Nombre commandes": n_orders[rows],
        "CA total": ca_rows,
        "Email": pd.array(pick("email", "email"), dtype="str"),
        "Téléphone": pd.array(pick("phone", "phone"), dtype="str"),
        "Code postal": pd.array(pick("cp", "cp"), dtype="str"),
        "Ville": pd.array(pick("ville", "ville"), dtype="str"),
        "Effectif": np.array(pick("effectif", "effectif"), dtype=np.int64),
        "Code NAF": pd.array(pick("naf", "naf"), dtype="str"),
        "SIRET": pd.array(pick("siret", "siret"), dtype="str"),
    })
    # a client file is usually sorted by code; labels are then 0..N-1 in that order
    clients = clients.sort_values("Code client", kind="stable")
    label_of = np.empty(n + n_dup, dtype=np.int64)
    label_of[clients.index.to_numpy()] = np.arange(n + n_dup)
    return clients.reset_index(drop=True), label_of
