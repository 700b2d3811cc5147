"""« Paramètres »: every setting in an editable sheet, and the reader that takes it back.

Layout (fixed, so the reader and the cell references in error messages are
stable): column A holds the technical key (``mode_rfm``, ``segment_3``,
``colonne_ca_total``), B the French label, **C the value** (yellow input cells),
D the default, E a comment. Three tables — settings, segment rules, column
mapping — each starting with a header row whose A cell is « Clé ». The reader
takes the rows between a « Clé » header and the next A cell that is empty or
not a key (a sentence), so the user may insert a row (``segment_9``…) or
reorder rules.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Sequence

from ..errors import SettingsError
from ..fields import CLIENT_FIELDS, INVOICE_FIELDS
from ..rules import code_table, parse_rule, validate_rules
from ..settings import DEFAULT_SETTINGS, SETTING_SPECS, Settings
from .render_plan import col_letter
from .model import FMT_DATE, Cell, Column, SheetLayout, Table, Text, Title
from ..blank import is_blank

SHEET = "Paramètres"
KEY_COL = 1
VALUE_COL = 3
HEADERS = ("Clé", "Paramètre", "Valeur", "Valeur par défaut", "Commentaire")
CHOICES = {"mode_rfm": ("quintiles", "seuils"), "methode_pmg": ("rang", "part_ca")}

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

# settings only wrong together: when neither is wrong alone, both cells are named
_PAIRS = (("pmg_gros_pct", "pmg_moyens_pct"), ("pmg_gros_part_ca", "pmg_moyens_part_ca"))


def _cell_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _columns() -> tuple[Column, ...]:
    return (
        Column("Clé", style="key"),
        Column("Paramètre", style="label_wrap"),
        Column("Valeur", style="input_wrap"),
        Column("Valeur par défaut", style="cell_left_wrap"),
        Column("Commentaire", style="cell_wrap"),
    )


def build_parametres(settings: Settings) -> SheetLayout:
    table = settings.to_table()
    defaults = dict(DEFAULT_SETTINGS.to_table().itertuples(index=False, name=None))
    values = dict(table.itertuples(index=False, name=None))
    setting_rows = []
    for spec in SETTING_SPECS:
        v = _cell_value(values[spec.key])
        d = _cell_value(defaults[spec.key])
        if spec.key == "date_analyse":
            v = Cell(v if v != "" else None, number_format=FMT_DATE)
            d = "(date du jour)"
        elif spec.key in CHOICES:
            v = Cell(v, choices=CHOICES[spec.key])
        setting_rows.append((spec.key, spec.label, v, d, spec.comment))

    codes = code_table(settings.regles_segments)
    default_rules = DEFAULT_SETTINGS.regles_segments
    rule_rows = []
    for i, rule in enumerate(settings.regles_segments, start=1):
        n = sum(1 for name in codes.values() if name == rule.name)
        default = default_rules[i - 1].to_text() if i <= len(default_rules) else ""
        rule_rows.append((f"segment_{i}", f"Segment {i}", rule.to_text(), default,
                          f"{n} code{'s' if n > 1 else ''} RFM sur 125"))

    overrides = settings.column_overrides
    client_names = {f.name for f in CLIENT_FIELDS}
    invoice_names = {f.name for f in INVOICE_FIELDS}
    seen: set[str] = set()
    column_rows = []
    for fld in (*CLIENT_FIELDS, *INVOICE_FIELDS):
        if fld.name in seen:
            continue
        seen.add(fld.name)
        where = {(True, True): "clients et factures", (True, False): "clients", (False, True): "factures"}[
            (fld.name in client_names, fld.name in invoice_names)]
        column_rows.append((f"colonne_{fld.name}", f"{fld.label} ({where})",
                            overrides.get(fld.name), "(détection automatique)",
                            "Votre en-tête exact, si la détection automatique se trompe."))
    for name, header in overrides.items():
        if name not in seen:
            column_rows.append((f"colonne_{name}", name, header, "(détection automatique)", ""))

    return SheetLayout(
        name=SHEET,
        blocks=(
            Title("Paramètres de l'analyse"),
            Text.of(
                "Modifiez les cellules jaunes de la colonne Valeur, puis relancez l'analyse. "
                "Ne modifiez pas la colonne Clé : elle permet au programme de relire vos choix.",
                style="subtitle",
            ),
            Table(key="reglages", caption="Réglages", columns=_columns(), rows=tuple(setting_rows)),
            Table(
                key="regles",
                caption="Segments RFM : la première règle qui correspond s'applique",
                columns=_columns(),
                rows=tuple(rule_rows),
                note="Écrivez « Nom : conditions », par exemple « Champions : R>=4 ; F>=4 ; M>=4 ». "
                "Pour ajouter un segment, insérez une ligne avec la clé segment_9, segment_10… "
                "Chacun des 125 codes doit recevoir un segment.",
            ),
            Table(
                key="colonnes",
                caption="Correspondance des colonnes (facultatif)",
                columns=_columns(),
                rows=tuple(column_rows),
            ),
        ),
        col_widths=((1, 26), (2, 42), (3, 40), (4, 38), (5, 80)),
        tab_color="7F7F7F",
        left_col=1,
        freeze="A4",
        landscape=True,
    )


def setting_items(rows: Iterable[Sequence[Any]]) -> list[tuple[str, Any, int]]:
    """``(key, value, excel_row)`` of every setting row in the sheet's values (rows from row 1)."""
    items: list[tuple[str, Any, int]] = []
    in_table = False
    for r, cells in enumerate(rows, start=1):
        cells = list(cells or ())
        key = cells[KEY_COL - 1] if len(cells) >= KEY_COL else None
        value = cells[VALUE_COL - 1] if len(cells) >= VALUE_COL else None
        if isinstance(key, str) and key.strip() == HEADERS[0]:
            in_table = True
            continue
        if is_blank(key) or not _KEY.match(str(key).strip()):
            # an empty row or a sentence (the note under a table) ends the table
            in_table = False
            continue
        if in_table:
            items.append((str(key).strip(), value, r))
    return items


def read_settings(rows: Iterable[Sequence[Any]], *, sheet: str = SHEET) -> Settings:
    """:class:`Settings` from the values of a « Paramètres » sheet.

    A wrong value raises :class:`SettingsError` naming its cell, e.g.
    ``Paramètres!C7``; missing keys keep their default.
    """
    specs = {s.key: s for s in SETTING_SPECS}
    vcol, kcol = col_letter(VALUE_COL), col_letter(KEY_COL)
    values: dict[str, Any] = {}
    cell_of: dict[str, str] = {}
    rules: list[tuple[int, Any, str]] = []
    colonnes: list[tuple[str, str]] = []
    for key, value, r in setting_items(rows):
        cell = f"{sheet}!{vcol}{r}"
        if key.startswith("segment_"):
            try:
                order = int(key.split("_", 1)[1])
            except ValueError:
                raise SettingsError(
                    f"Clé inconnue « {key} » en {sheet}!{kcol}{r} : écrivez segment_ suivi d'un numéro."
                ) from None
            if is_blank(value):
                continue
            rules.append((order, parse_rule(value, where=f" (cellule {cell})"), cell))
        elif key.startswith("colonne_"):
            if not is_blank(value):
                colonnes.append((key[len("colonne_"):], str(value).strip()))
        elif key in specs:
            spec = specs[key]
            try:
                values[key] = spec.parse(value)
            except SettingsError as err:
                raise SettingsError(f"{err.message} (cellule {cell})") from None
            except Exception:
                raise SettingsError(
                    f"Valeur incorrecte en {cell} pour « {spec.label} » : « {_show(value)} ». "
                    f"Attendu : {spec.expected}."
                ) from None
            cell_of[key] = cell
        else:
            raise SettingsError(
                f"Paramètre inconnu « {key} » en {sheet}!{kcol}{r} : corrigez la clé ou supprimez la ligne."
            )
    if rules:
        rules.sort(key=lambda t: t[0])
        values["regles_segments"] = tuple(rule for _, rule, _ in rules)
        try:
            validate_rules(values["regles_segments"])
        except SettingsError as err:
            first, last = rules[0][2], rules[-1][2].split("!")[1]
            raise SettingsError(f"{err.message} (cellules {first}:{last})") from None
    if colonnes:
        values["colonnes"] = tuple(colonnes)
    try:
        return Settings(**values)
    except SettingsError as err:
        raise SettingsError(f"{err.message} {_culprits(values, cell_of)}".rstrip()) from None


def _culprits(values: dict[str, Any], cell_of: dict[str, str]) -> str:
    """« Cellule(s) à corriger : … » for an error raised by the settings as a whole."""
    bad = []
    for key, cell in cell_of.items():
        try:
            Settings(**{key: values[key]})
        except SettingsError:
            bad.append(cell)
    if not bad:
        for pair in _PAIRS:
            present = {k: values[k] for k in pair if k in values}
            try:
                Settings(**present)
            except SettingsError:
                bad.extend(cell_of[k] for k in pair if k in cell_of)
    if not bad:
        return ""
    return ("Cellule à corriger : " if len(bad) == 1 else "Cellules à corriger : ") + ", ".join(bad) + "."


def _show(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)
