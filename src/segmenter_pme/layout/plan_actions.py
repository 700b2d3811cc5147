"""« Plan d'actions »: one row per segment, and the user's edits survive a refresh.

A plan row is a plain ``dict`` keyed by column header. The refresh reads the
rows already in the sheet (:func:`rows_from_values`), merges them with the rows
of the new analysis (:func:`merge_action_plan`, pure) and writes the result
(:func:`build_plan_actions`). Matching is by segment name (case and surrounding
spaces ignored); columns the user added to the table are kept after ours.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..result import SegmentationResult
from ..rules import PROSPECT
from .model import FMT_DATE, FMT_INT, FMT_PCT, Cell, Column, SheetLayout, Table, Text, Title
from .plan_defaults import TEXT_COLUMNS, default_texts

SHEET = "Plan d'actions"
ABSENT = "Segment absent de la dernière analyse"
NEW = "Nouveau segment"
FAMILY_RFM = "Segment RFM"
FAMILY_PMG = "Segment PMG"

COUNT_COLUMNS = ("Clients", "% base")
#: « Qui fait quoi ? Quand ? Avec quel message ? » — filled by the user, never by a refresh
FOLLOW_UP_COLUMNS = ("Message clé", "Responsable", "Échéance", "Statut")
STATUSES = ("À faire", "En cours", "Fait")
NOTE = "Remarque"  # ours: new segment, segment absent from the last analysis
COLUMNS = ("Famille", "Segment", *COUNT_COLUMNS, *TEXT_COLUMNS, *FOLLOW_UP_COLUMNS, NOTE)
USER_COLUMNS = (*TEXT_COLUMNS, *FOLLOW_UP_COLUMNS)
# what a refresh may overwrite; everything else in a row belongs to the user
_OURS = ("Famille", *COUNT_COLUMNS, NOTE)


def _norm(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


def segment_rows(result: SegmentationResult) -> list[dict[str, Any]]:
    """The plan rows of an analysis: RFM segments (rule order, then Prospect), then PMG tiers."""
    summary = result.summary
    rows: list[dict[str, Any]] = []
    rule_text = {r.name: r.conditions() for r in result.settings.regles_segments}

    def stats(dimension: str) -> dict[str, tuple[int, float]]:
        part = summary[summary["Dimension"] == dimension]
        return {str(s): (int(c), float(p)) for s, c, p in zip(part["Segment"], part["Clients"], part["% base"])}

    rfm = stats(FAMILY_RFM)
    names = [r.name for r in result.settings.regles_segments] + [PROSPECT]
    names += [n for n in rfm if n not in names]
    for name in names:
        if name == PROSPECT and name not in rfm:
            continue
        count, share = rfm.get(name, (0, 0.0))
        rows.append({"Famille": FAMILY_RFM, "Segment": name, "Clients": count, "% base": share,
                     **default_texts(name, rule_text.get(name)), **_follow_up()})
    pmg = stats(FAMILY_PMG)
    pmg_names = ["Gros", "Moyens", "Petits", "Petits à potentiel"]
    if "Petits à potentiel" not in pmg:
        pmg["Petits à potentiel"] = _potential_count(result)
    total = int(summary[summary["Dimension"] == FAMILY_RFM]["Clients"].sum()) or 1
    # a prospect has no CA: it is already the RFM « Prospect » row, and names must stay unique
    for name in pmg_names + [n for n in pmg if n not in pmg_names and _norm(n) not in {_norm(r["Segment"]) for r in rows}]:
        count, share = pmg.get(name, (0, 0.0))
        if name == "Petits à potentiel" and share == 0.0 and count:
            share = count / total
        rows.append({"Famille": FAMILY_PMG, "Segment": name, "Clients": count, "% base": share,
                     **default_texts(name), **_follow_up()})
    return rows


def _follow_up() -> dict[str, Any]:
    return {"Message clé": "", "Responsable": "", "Échéance": None, "Statut": STATUSES[0]}


def _potential_count(result: SegmentationResult) -> tuple[int, float]:
    out = result.output
    if "Potentiel" not in out.columns or "Segment PMG" not in out.columns or len(out) == 0:
        return (0, 0.0)
    mask = (out["Segment PMG"] == "Petits") & out["Potentiel"].fillna("").astype(str).str.strip().ne("")
    n = int(mask.sum())
    return (n, n / len(out))


def merge_action_plan(
    existing_rows: Sequence[dict[str, Any]], new_segments: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Merge the sheet's rows with the new analysis' rows.

    * a segment already in the sheet keeps the user's texts (even emptied ones),
      its follow-up (Message clé, Responsable, Échéance, Statut) and its place;
      its counts and family are updated;
    * a new segment is appended with the default texts (remark « Nouveau
      segment » when the sheet already had a plan);
    * a segment that disappeared stays, with zero clients and the remark
      « Segment absent de la dernière analyse »;
    * rows without a segment name (the user's own notes) are kept as they are.

    Plans written before the « Remarque » column held these remarks in
    « Statut »: such a Statut is read as empty, the user's own statuses stay.
    """
    fresh = {_norm(r["Segment"]): r for r in new_segments}
    seen: set[str] = set()
    merged: list[dict[str, Any]] = []
    for old in existing_rows:
        row = dict(old)
        if NOTE not in row and row.get("Statut") in (ABSENT, NEW):
            row["Statut"] = ""
        key = _norm(old.get("Segment"))
        if not key:
            merged.append(row)
            continue
        if key in seen:  # a duplicated segment row: keep it, but it no longer gets counts
            merged.append(row)
            continue
        seen.add(key)
        if key in fresh:
            for col in _OURS:
                if col in fresh[key]:
                    row[col] = fresh[key][col]
            for col in USER_COLUMNS:
                row.setdefault(col, fresh[key].get(col, ""))
            row[NOTE] = ""
        else:
            row["Clients"] = 0
            row["% base"] = 0.0
            row[NOTE] = ABSENT
        merged.append(row)
    had_plan = bool(seen)
    for new in new_segments:
        if _norm(new["Segment"]) not in seen:
            row = dict(new)
            row[NOTE] = NEW if had_plan else ""
            merged.append(row)
    return merged


def rows_from_values(values: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Plan rows from a sheet's values (rows of cells, from row 1), or [] when there is no plan.

    The header row is the first one holding « Segment » and at least two other
    headers of ours; reading stops at the first entirely empty row.
    """
    header: list[str] | None = None
    rows: list[dict[str, Any]] = []
    for values_row in values:
        cells = list(values_row or ())
        if header is None:
            texts = [str(v).strip() if v is not None else "" for v in cells]
            # « Segment » plus two of our headers: still found if the user renamed a column
            if "Segment" in texts and len(set(texts) & set(COLUMNS)) >= 3:
                header = texts
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            break
        row = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}
        rows.append({k: ("" if v is None and k in TEXT_COLUMNS + ("Message clé", "Responsable", "Statut") else v)
                     for k, v in row.items()})
    return rows


def build_plan_actions(result: SegmentationResult, existing_rows: Sequence[dict[str, Any]] = ()) -> SheetLayout:
    rows = merge_action_plan(existing_rows, segment_rows(result))
    extra: list[str] = []
    for r in rows:
        extra.extend(k for k in r if k not in COLUMNS and k not in extra and k)
    formats = {"Clients": FMT_INT, "% base": FMT_PCT, "Échéance": FMT_DATE}
    styles = {"Famille": "cell_wrap", "Segment": "label_wrap", "Clients": "cell_top", "% base": "cell_top",
              NOTE: "cell_wrap"}
    columns = tuple(
        Column(h, formats.get(h), styles.get(h, "input_wrap" if h in USER_COLUMNS else "cell_wrap"))
        for h in (*COLUMNS, *extra)
    )

    def cell(r: dict[str, Any], h: str) -> Any:
        if h == "Statut" and r.get("Segment"):
            return Cell(r.get(h), choices=STATUSES, other_allowed=True)
        return r.get(h)

    table = Table(
        key="plan",
        columns=columns,
        rows=tuple(tuple(cell(r, h) for h in (*COLUMNS, *extra)) for r in rows),
        excel_name="PlanActions",
        excel_style="TableStyleLight9",
    )
    widths = {2: 13, 3: 18, 4: 9, 5: 8, 6: 34, 7: 28, 8: 46, 9: 17, 10: 16, 11: 30, 12: 30, 13: 16, 14: 12,
              15: 12, 16: 20}
    widths.update({17 + i: 22 for i in range(len(extra))})
    return SheetLayout(
        name=SHEET,
        blocks=(
            Title("Plan d'actions par segment"),
            Text.of(
                f"Analyse au {result.analysis_date:%d/%m/%Y}. Les colonnes en jaune sont à vous, vos textes sont "
                "conservés à chaque nouvelle analyse : qui fait quoi (Responsable), quand (Échéance), avec quel "
                "message (Message clé) ; Statut : À faire, En cours, Fait — ou votre propre texte.",
                "Seuls les nombres de clients et la remarque sont mis à jour ; un segment qui disparaît "
                "reste dans le tableau, marqué « " + ABSENT + " ».",
                style="subtitle",
            ),
            table,
        ),
        col_widths=tuple(sorted({1: 2, **widths}.items())),
        tab_color="70AD47",
        freeze="D6",
        side_col=24,
    )
