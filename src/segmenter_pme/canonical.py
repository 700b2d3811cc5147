"""Reading the two input shapes into canonical frames (SPEC §1), for :func:`pipeline.segment`.

A client table → canonical columns parsed from French formats; invoice lines →
one row per client key (:func:`invoices.aggregate_invoices`). Unreadable values
of the analysis columns are collected as issues and raised together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .code_zeros import zero_issues
from .errors import InputDataError, MissingColumnError
from .fields import CLIENT_REQUIRED, FIELD_LABELS, OUTPUT_COLUMNS
from .invoices import aggregate_invoices, document_kinds, missing_mask, quote_lines
from .parsing import clean_text, parse_amounts, parse_counts, parse_dates, parse_identifiers, parse_postal_codes
from .problems import ERROR, INFO, WARNING, Issue, value_issues
from .invoices.quotes import open_quotes
from .refdata import fold


def strip_previous_output(df: pd.DataFrame) -> pd.DataFrame:
    """The frame without the output columns of an earlier run (when it has them).

    Our block is recognised by « Code RFM » and « Segment RFM »; where a user's
    column has the same name as one of ours (their own « Région »), ours is the
    last one.
    """
    cols = list(df.columns)
    if "Code RFM" not in cols or "Segment RFM" not in cols:
        return df
    drop = set()
    for name in OUTPUT_COLUMNS:
        where = [i for i, c in enumerate(cols) if c == name]
        if where:
            drop.add(where[-1])
    keep = [i for i in range(len(cols)) if i not in drop]
    return df.iloc[:, keep]


def _missing(fields: list[str], sheet: str, headers, shape_hint: str) -> MissingColumnError:
    from .headers import header_list, naming_advice, normalize_header

    labels = ", ".join(f"« {FIELD_LABELS.get(f, f)} »" for f in fields)
    head = (f"Feuille « {sheet} » : colonne(s) {labels} introuvable(s) ({shape_hint}). "
            f"En-têtes trouvés : {header_list(headers)}.")
    folded = {normalize_header(h) for h in headers}
    if "date_dernier_achat" in fields and {"total spent", "total orders"} <= folded:
        # Shopify's customers_export.csv has totals but no order date: its orders export has them
        head += (" C'est un export clients Shopify : il n'a pas la date de dernière commande. Exportez plutôt "
                 "les commandes (Commandes › Exporter, fichier orders_export.csv) et segmentez ce fichier : chaque "
                 "commande y a sa date et son montant.")
    err = MissingColumnError(f"{head} {naming_advice(fields)}")
    err.head, err.fields = head, list(fields)
    return err


def read_client_table(df: pd.DataFrame, columns: dict, sheet: str, has_invoices: bool,
                       issues: list[Issue]) -> pd.DataFrame:
    if not has_invoices:
        missing = [f for f in CLIENT_REQUIRED if f not in columns]
        if missing:
            raise _missing(missing, sheet, df.columns, "nécessaire(s) au calcul RFM sans lignes de factures")
    if not any(k in columns for k in ("client_id", "raison_sociale", "nom")):
        raise _missing(["raison_sociale"], sheet, df.columns, "pour identifier chaque client")
    out = pd.DataFrame(index=df.index)
    value_errors = []
    for field_name in ("client_id", "raison_sociale", "nom", "secteur", "ville", "email", "telephone", "pays",
                "departement", "region", "code_naf"):
        if field_name in columns:
            col = df[columns[field_name]]
            if field_name == "client_id":
                issues += zero_issues(col, sheet=sheet, column=columns[field_name])
                col = code_text(col)
            out[field_name] = clean_text(col)
    for field_name in ("date_premier_achat", "date_dernier_achat"):
        if field_name in columns:
            out[field_name], found = parse_dates(df[columns[field_name]], sheet=sheet, column=columns[field_name])
            value_errors += found
    if "nb_commandes" in columns:
        header = columns["nb_commandes"]
        out["nb_commandes"], found = parse_counts(df[header], sheet=sheet, column=header)
        value_errors += found
    if "ca_total" in columns:
        out["ca_total"], found = parse_amounts(df[columns["ca_total"]], sheet=sheet, column=columns["ca_total"])
        out["ca_total"] = out["ca_total"].round(2)
        value_errors += found
    if has_invoices:
        # the invoice lines supply these values; a bad cell here is worth a warning only
        value_errors = [Issue(**{**i.as_dict(), "severity": WARNING}) if i.severity == ERROR else i
                        for i in value_errors]
    issues += value_errors
    if "code_postal" in columns:
        header = columns["code_postal"]
        out["code_postal"], _, found = parse_postal_codes(df[header], sheet=sheet, column=header)
        issues += found
    for field_name in ("siret", "siren"):
        if field_name in columns:
            header = columns[field_name]
            out[field_name], _, found = parse_identifiers(df[header], field_name, sheet=sheet, column=header)
            issues += found
    for field_name in ("effectif", "tranche_effectif"):
        if field_name in columns:
            out[field_name] = df[columns[field_name]]
    return out


def code_text(col: pd.Series) -> pd.Series:
    """Client codes as text: 123.0 (a number cell) → "123"; other values as they are. In a column of mixed
    values (object) every whole number is that text, int or float alike: the int 7 and the float 7.0 of one
    frame would else be two keys (7 and « 7 »), two clients."""
    if pd.api.types.is_float_dtype(col.dtype):
        return col.map(lambda v: f"{int(v)}" if v == v and float(v).is_integer() else v, na_action="ignore")
    if col.dtype == object:
        return col.map(_whole_number_text, na_action="ignore")
    return col


def _whole_number_text(v):
    if isinstance(v, (float, np.floating)):
        return f"{int(v)}" if v.is_integer() else v
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return f"{int(v)}"
    return v


def invoice_key(df: pd.DataFrame, columns: dict, table: pd.DataFrame | None) -> str:
    """How invoice lines name their client: ``id`` (client code), ``nom`` (company) or ``email``.

    The code when both sheets have one (or there is no client table); else the
    company name; else — an e-shop export where most orders carry no company —
    the e-mail.
    """
    if "client_id" in columns and (table is None or "client_id" in table):
        return "id"
    if "email" in columns and (table is None or "email" in table or "raison_sociale" not in columns):
        name = columns.get("raison_sociale")
        filled = 0.0 if name is None else float(_filled(df[name]).mean()) if len(df) else 0.0
        if filled < 0.5:
            return "email"
    if "raison_sociale" in columns or "client_id" in columns:
        return "nom"
    return "email"


def _filled(s: pd.Series) -> pd.Series:
    """True where a cell holds something other than blanks."""
    return s.notna() & (s.astype("string").str.strip() != "").fillna(False)


@dataclass(frozen=True)
class InvoiceClients:
    """The clients of the invoice lines (:func:`read_invoices`).

    ``clients``: :func:`invoices.aggregate_invoices`' frame without the lines
    that name no client, plus ``nom_affiche`` (and ``email``) when keyed by name
    or e-mail; ``n_after``: lines dated after the analysis date; ``by``: how the
    lines name their client (:func:`invoice_key`); ``quotes``: the open quotes
    (:func:`segmenter_pme.invoices.quotes.open_quotes`, at most ``quote_days`` old), their
    client named by the same key as ``cle`` — None when no line is a quote.
    """

    clients: pd.DataFrame
    n_after: int
    by: str
    quotes: pd.DataFrame | None = None


def read_invoices(df: pd.DataFrame, columns: dict, sheet: str, analysis: pd.Timestamp, issues: list[Issue],
                   *, by: str, capture: dict | None = None, quote_days: int = 90) -> InvoiceClients:
    missing = []
    if "date_facture" not in columns:
        missing.append("date_facture")
    if "montant_ht" not in columns and "montant_ttc" not in columns:
        missing.append("montant_ht")
    if "client_id" not in columns and "raison_sociale" not in columns and "email" not in columns:
        missing.append("client_id")
    if missing:
        raise _missing(missing, sheet, df.columns, "nécessaire(s) pour lire les factures")
    amount_col = columns.get("montant_ht") or columns["montant_ttc"]
    if "montant_ht" not in columns:
        issues.append(Issue("montant_ttc_utilise", f"Pas de colonne de montant HT : le CA est calculé sur « {amount_col} » (TTC).",
                            INFO, sheet, amount_col))
    by_id = by == "id"
    key_col = {"id": columns.get("client_id"), "email": columns.get("email")}.get(by) or columns.get("raison_sociale") \
        or columns["client_id"]
    if by == "email":
        key_text = df[key_col].astype("string").str.strip().str.lower()
    else:
        key_text = code_text(df[key_col]) if by_id else fold_series(df[key_col])
        if by_id:
            issues += zero_issues(df[key_col], sheet=sheet, column=key_col)
    # aggregate_invoices drops the time of day from each client's first and last purchase
    dates, found = parse_dates(df[columns["date_facture"]], sheet=sheet, column=columns["date_facture"], keep_time=True)
    issues += found
    amounts, found = parse_amounts(df[amount_col], sheet=sheet, column=amount_col)
    issues += found
    no_date = dates.isna()
    if no_date.any():
        # a « Total » line of a report, or an empty line, is not an invoice
        k = key_text[no_date].astype("string").str.strip().str.lower()
        ignorable = (k.isna() | (k == "") | k.str.startswith("total")).fillna(True)
        missing = no_date.copy()
        raw = df[columns["date_facture"]][no_date]
        blank_date = (raw.isna() | (raw.astype("string").str.strip() == "")).fillna(True).to_numpy()
        missing[no_date] = ~ignorable.to_numpy() & amounts[no_date].notna().to_numpy() & blank_date
        if missing.any():
            issues += value_issues("date_manquante", missing, df[amount_col], sheet=sheet,
                                   column=columns["date_facture"], severity=ERROR,
                                   message="Ligne sans date pour un montant de « {value} » : indiquez la date "
                                           "de la facture.")
    raise_errors(issues)
    numbers = df[columns["numero_facture"]] if "numero_facture" in columns else None
    types = df[columns["type_piece"]] if "type_piece" in columns else None
    aggregate = aggregate_invoices(key_text, dates, amounts, analysis, numbers=numbers, types=types,
                                   capture=capture)
    not_sales = aggregate.n_not_sale
    # every distinct key first (the few hundred thousand of them, not the lines): also those of
    # undated « Total » lines that are no clients, which the second test then leaves out
    if needs_strip(pd.Series(aggregate.keys), upper=by_id) and needs_strip(aggregate.clients["cle"], upper=by_id):
        # stray spaces or another case around codes (« cli001 » / « CLI001 ») would split one client in two
        key_text = norm_code(key_text) if by_id else key_text.astype("string").str.strip()
        aggregate = aggregate_invoices(key_text, dates, amounts, analysis, numbers=numbers, types=types,
                                       capture=capture)
    invoice_clients, n_after = aggregate.clients, aggregate.n_after
    blank = (invoice_clients["cle"].astype("string") == "").fillna(True).to_numpy()
    n_blank = int(invoice_clients["nb_lignes"].to_numpy()[blank].sum()) if blank.any() else 0
    no_key = missing_mask(key_text)
    if no_key is not None:
        n_blank += int(np.count_nonzero(no_key & dates.notna().to_numpy()))
    if n_blank:
        issues.append(Issue("ligne_sans_client", f"{n_blank} ligne(s) de facture sans client ont été ignorées.",
                            WARNING, sheet, key_col, None, None, n_blank))
        invoice_clients = invoice_clients[~blank].reset_index(drop=True)
        if capture is not None:
            codes = capture["codes"] if capture["codes"] is not None else np.arange(len(blank))
            capture["codes"] = codes[~blank]
    if not by_id:
        # show the company name as the user wrote it on its first line (for an e-mail key: the
        # company, else the e-mail itself)
        shown = df[columns["raison_sociale"]] if "raison_sociale" in columns else df[key_col]
        first = pd.DataFrame({"k": key_text, "n": shown.where(_filled(shown), df[key_col])}).dropna()
        first = first.drop_duplicates("k").set_index("k")["n"]
        invoice_clients["nom_affiche"] = invoice_clients["cle"].map(first)
        if by == "email":
            invoice_clients["email"] = invoice_clients["cle"]
    # None, not an empty frame, without quote lines: the empty frames cost 1,4 ms a run (0,4 ms
    # for the one SegmentationResult makes)
    quotes = None
    n = not_sales
    # an open quote's type is one of the « not a sale » types: without such lines there is none, and the
    # types need not be read again (20 M lines with types: quote_lines 0,14 s of CPU not spent)
    quote = quote_lines(types) if not_sales else None
    if quote is not None:
        credit, not_sale = document_kinds(types, amounts.fillna(0).to_numpy(dtype="float64"))
        quotes = open_quotes(key_text, dates, amounts, code_text(numbers) if numbers is not None else None, quote,
                             ~(credit | not_sale), analysis, quote_days)
        # the open quotes are no sales but serve: Monday's calls (« Priorités de la semaine »)
        n -= int(quotes["lignes"].sum())
        quotes = quotes.drop(columns="lignes")
    if n:
        issues.append(Issue("document_hors_vente", f"{n} ligne(s) ne sont pas des ventes (devis, bons de commande ou "
                            "de livraison, pro forma, brouillons, annulations) : elles sont ignorées.", INFO, sheet,
                            columns.get("type_piece"), None, None, n))
    return InvoiceClients(invoice_clients, n_after, by, quotes)


def norm_code(s: pd.Series) -> pd.Series:
    """Client codes compared without surrounding spaces nor case."""
    return s.astype("string").str.strip().str.upper()


def code_keys(s: pd.Series) -> pd.Series:
    """Client codes as the analysis matches them across sheets (:func:`norm_code` of :func:`code_text`):
    411000.0 (a number cell) and « 411000 », « c01 » and « C01 » are one code. Output: same index; text
    columns keep their kind (string or object).

    Text columns (a CSV's, the prepared clients') by Arrow's kernels: the audit's invoice figures of
    1 M lines 4.5 s → 2.9 s.
    """
    if s.dtype != object and pd.api.types.is_string_dtype(s.dtype):
        return s.str.strip().str.upper()
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.astype("str").str.strip().str.upper().astype(object)
    return code_text(s).astype(object).map(lambda v: str(v).strip().upper(), na_action="ignore")


def needs_strip(keys: pd.Series, *, upper: bool = False) -> bool:
    """True when some key has spaces around it (or, with ``upper``, lower-case letters)."""
    arrow = getattr(keys.array, "_pa_array", None)
    if arrow is not None and (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        plain = _plain_ascii_answer(arrow, upper)
        if plain is not None:
            return plain
        # the same Arrow kernels as pandas' str.strip / str.upper (norm_code), without pandas
        # round trips — not their ASCII versions, which leave \x1c-\x1f where str.strip removes them
        norm = pc.utf8_trim_whitespace(arrow)
        if upper:
            norm = pc.utf8_upper(norm)
        return bool(pc.any(pc.not_equal(norm, arrow)).as_py())
    cle = keys.astype("string")
    norm = cle.str.strip().str.upper() if upper else cle.str.strip()
    return bool((norm != cle).fillna(False).any())


def _plain_ascii_answer(arrow, upper: bool) -> bool | None:
    """:func:`needs_strip` read off the Arrow buffers when every key is ASCII text, else None.

    Then only a first or last byte at or below the space (every whitespace Arrow trims is
    there) can need a trim — those keys go to the exact test — and only a-z changes under
    ``upper``. The 350 000 keys of 1 M lines: 2,4 ms against 7,0 ms for the Arrow kernels
    (``benchmarks/bench_core.py --phases --base aded5ab``, step ``needs_strip``).
    """
    arr = arrow
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    if arr.null_count or not len(arr):
        return None
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64 if pa.types.is_large_string(arr.type) else np.int32,
                            count=len(arr) + 1, offset=arr.offset * (8 if pa.types.is_large_string(arr.type) else 4))
    if data_buf is None or offsets[-1] == offsets[0]:
        return None
    data = np.frombuffer(data_buf, dtype=np.uint8)
    text = data[offsets[0]:offsets[-1]]
    if text.max() >= 0x80:
        return None
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.all():
        starts, ends = starts[filled], ends[filled]
    if data[starts].min() <= 0x20 or data[ends - 1].min() <= 0x20:
        return None
    # a-z in one comparison: below "a" wraps around to 159 and more
    return bool(upper and ((text - np.uint8(ord("a"))) < 26).any())


def fold_series(s: pd.Series) -> pd.Series:
    uniq = pd.unique(s.dropna())
    table = {u: (fold(u) or None) for u in uniq}
    return s.map(table).astype("string")


def raise_errors(issues: list[Issue]) -> None:
    errors = [i for i in issues if i.severity == ERROR]
    if not errors:
        return
    shown = errors[:5]
    lines = [f"- {i.where()} : {i.message}" for i in shown]
    more = f"\n… et {len(errors) - len(shown)} autre(s) problème(s) du même genre." if len(errors) > 5 else ""
    raise InputDataError(
        "Certaines valeurs ne peuvent pas être lues ; corrigez ces cellules puis relancez :\n"
        + "\n".join(lines) + more,
        issues=errors,
    )
