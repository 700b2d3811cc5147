"""Named RFM segments as data: a rule is a name and inclusive bounds on R, F, M.

Rules are tried in order, first match wins (SPEC §4). A rule is written in the
``Paramètres`` sheet as ``Champions : R>=4 ; F>=4 ; M>=4``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import SettingsError

if TYPE_CHECKING:  # annotations only
    import numpy as np

DIMENSIONS = ("R", "F", "M")


@dataclass(frozen=True)
class SegmentRule:
    """``name`` applies to codes with ``r[0] <= R <= r[1]`` and so on (1..5 inclusive)."""

    name: str
    r: tuple[int, int] = (1, 5)
    f: tuple[int, int] = (1, 5)
    m: tuple[int, int] = (1, 5)

    def matches(self, r: int, f: int, m: int) -> bool:
        return (
            self.r[0] <= r <= self.r[1]
            and self.f[0] <= f <= self.f[1]
            and self.m[0] <= m <= self.m[1]
        )

    def conditions(self) -> str:
        """French text of the rule, e.g. ``R>=4 ; F>=4 ; M>=4``."""
        parts = []
        for dim, (lo, hi) in zip(DIMENSIONS, (self.r, self.f, self.m)):
            if (lo, hi) == (1, 5):
                continue
            if lo == hi:
                parts.append(f"{dim}={lo}")
            elif lo == 1:
                parts.append(f"{dim}<={hi}")
            elif hi == 5:
                parts.append(f"{dim}>={lo}")
            else:
                parts.append(f"{dim}>={lo} ; {dim}<={hi}")
        return " ; ".join(parts) if parts else "(tous les autres)"

    def to_text(self) -> str:
        return f"{self.name} : {self.conditions()}"


DEFAULT_RULES: tuple[SegmentRule, ...] = (
    SegmentRule("Champions", r=(4, 5), f=(4, 5), m=(4, 5)),
    SegmentRule("À réactiver", r=(1, 2), m=(4, 5)),
    SegmentRule("Montée en gamme", r=(4, 5), f=(4, 5), m=(1, 2)),
    SegmentRule("Nouveaux", r=(4, 5), f=(1, 1)),
    SegmentRule("Fidèles", r=(3, 5), f=(3, 5)),
    SegmentRule("Prometteurs", r=(3, 5), f=(1, 2)),
    SegmentRule("À risque", r=(1, 2), f=(2, 5)),
    SegmentRule("Perdus", r=(1, 2), f=(1, 1)),
)

PROSPECT = "Prospect"

_COND = re.compile(r"^\s*([RFM])\s*(>=|<=|=|==|>|<|≥|≤)\s*([1-5])\s*$", re.IGNORECASE)


def parse_rule(text: str, *, where: str = "") -> SegmentRule:
    """Parse ``Nom : R>=4 ; F=1`` (conditions separated by ``;`` , ``,`` or ``et``)."""
    if text is None or ":" not in str(text):
        raise SettingsError(
            f"Règle de segment illisible{where} : « {text} ». Écrivez par exemple "
            "« Champions : R>=4 ; F>=4 ; M>=4 »."
        )
    name, _, conds = str(text).partition(":")
    name = name.strip()
    if not name:
        raise SettingsError(f"Règle de segment sans nom{where} : « {text} ».")
    bounds = {d: [1, 5] for d in DIMENSIONS}
    conds = conds.strip()
    if conds and not conds.startswith("("):
        for part in re.split(r";|,|\bet\b", conds):
            if not part.strip():
                continue
            m = _COND.match(part)
            if not m:
                raise SettingsError(
                    f"Condition illisible{where} dans la règle « {name} » : « {part.strip()} ». "
                    "Utilisez R, F ou M suivi de >=, <= ou = et d'un chiffre de 1 à 5."
                )
            dim, op, val = m.group(1).upper(), m.group(2), int(m.group(3))
            lo, hi = bounds[dim]
            if op in (">=", "≥"):
                lo = max(lo, val)
            elif op == ">":
                lo = max(lo, val + 1)
            elif op in ("<=", "≤"):
                hi = min(hi, val)
            elif op == "<":
                hi = min(hi, val - 1)
            else:
                lo, hi = max(lo, val), min(hi, val)
            bounds[dim] = [lo, hi]
    return SegmentRule(name, tuple(bounds["R"]), tuple(bounds["F"]), tuple(bounds["M"]))


ALL_CODES = tuple(itertools.product(range(1, 6), repeat=3))


def code_table(rules: tuple[SegmentRule, ...]) -> dict[tuple[int, int, int], str | None]:
    """First-match segment of each of the 125 codes (None where no rule matches)."""
    out = {}
    for code in ALL_CODES:
        out[code] = next((rule.name for rule in rules if rule.matches(*code)), None)
    return out


def validate_rules(rules: tuple[SegmentRule, ...]) -> None:
    """Raise :class:`SettingsError` unless every code is covered and every rule reachable."""
    if not rules:
        raise SettingsError("Aucune règle de segment RFM : gardez au moins une règle dans « Paramètres ».")
    names = [r.name for r in rules]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SettingsError(f"Segment RFM en double dans les règles : {', '.join(dup)}.")
    for rule in rules:
        for dim, (lo, hi) in zip(DIMENSIONS, (rule.r, rule.f, rule.m)):
            if lo > hi:
                raise SettingsError(
                    f"La règle « {rule.name} » ne peut jamais s'appliquer : {dim} doit être à la fois "
                    f"≥ {lo} et ≤ {hi}."
                )
    table = code_table(rules)
    missing = ["".join(map(str, c)) for c, name in table.items() if name is None]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise SettingsError(
            f"{len(missing)} codes RFM ne sont couverts par aucune règle ({shown}). "
            "Ajoutez une dernière règle sans condition, par exemple « Autres : »."
        )
    used = set(table.values())
    unreachable = [r.name for r in rules if r.name not in used]
    if unreachable:
        raise SettingsError(
            "Ces segments ne reçoivent jamais aucun code car une règle placée avant eux les couvre "
            f"déjà : {', '.join(unreachable)}. Changez l'ordre ou les conditions."
        )


def lookup_array(rules: tuple[SegmentRule, ...]) -> np.ndarray:
    """Array ``a`` of shape (6, 6, 6) with ``a[r, f, m]`` = index of the rule (−1 unused)."""
    import numpy as np  # here, not at module level: `import segmenter_pme` stays light (issue 16)

    names = [r.name for r in rules]
    arr = np.full((6, 6, 6), -1, dtype=np.int16)
    for (r, f, m), name in code_table(rules).items():
        arr[r, f, m] = names.index(name) if name is not None else -1
    return arr


def lookup_by_code(rules: tuple[SegmentRule, ...]) -> np.ndarray:
    """Array ``a`` of 1000 rule indexes with ``a[100 r + 10 f + m]`` = index of the rule of
    that code (−1 unused); ``a[0]`` = ``len(rules)``, the place of « Prospect » after the rules.

    One gather by three-digit code costs less than a 3-D fancy index on 350 000 clients.
    """
    import numpy as np

    r, f, m = np.indices((6, 6, 6))
    out = np.full(1000, -1, dtype=np.int16)
    out[(r * 100 + f * 10 + m).ravel()] = lookup_array(rules).ravel()
    out[0] = len(rules)
    return out


def segment_of_code(code: str | int, rules: tuple[SegmentRule, ...] = DEFAULT_RULES) -> str:
    """Segment name of a three-digit code such as ``"545"``."""
    text = str(code).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) != 3 or any(c not in "12345" for c in text):
        raise ValueError(f"code RFM invalide : {code!r} (trois chiffres de 1 à 5, ex. 545)")
    r, f, m = (int(c) for c in text)
    for rule in rules:
        if rule.matches(r, f, m):
            return rule.name
    raise ValueError(f"aucune règle pour le code {text}")
