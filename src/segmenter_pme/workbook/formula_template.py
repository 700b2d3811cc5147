"""``modele_formules.xlsx``: a workbook that segments itself with native formulas (SPEC §10).

No Python, no add-in, no macro: the user pastes the client table (or client
codes) into « Clients » and, optionally, a billing export into « Factures »;
every output column of SPEC §7 and the « Synthèse » then recompute in Excel
2019 / 365 or LibreOffice 7.4 — no LET, LAMBDA, FILTER, UNIQUE, XLOOKUP, SORT.

What keeps 5 000 clients + 50 000 invoice lines quick to recalculate: a per-client
SUMIFS over every line costs clients × lines comparisons (about 40 s in
LibreOffice for three of them), so « Factures » is sorted by the user (client,
invoice number, date — one Data › Sort) and its helper columns carry running
totals along each client's block; a client reads its block's last line found by
a binary MATCH. A check column says when the sort is missing.

Formulas are written in English with ``_xlfn.`` where Excel itself writes it;
defined names (``P_Date``…) keep them readable. :func:`fill` puts data into the
template the way Excel does when a Table grows; :func:`python_check` recomputes
a filled copy with :func:`segmenter_pme.segment` and compares.

Why one module of ~1 000 lines: it is one contract — the cells a formula reads
(column letters, the rows of « Paramètres », the defined names) are placed by
the builder, pasted into by :func:`fill` and read back by :func:`read_back`;
split by job (formulas, lookup tables, sheets, Synthèse, fill and check) each
part would import some fifteen of the others' private layout constants, and a
change of one row would have to be made in step in several modules. Its
sections follow that order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..fields import SEGMENT_COLUMNS
from ..parsing import serial_epoch_days
from ..profile import OTHER_SECTORS, SECTION_GROUPS, UNKNOWN_REGION, UNKNOWN_SECTOR, UNKNOWN_SIZE
from ..rules import DEFAULT_RULES, PROSPECT
from ..settings import Settings

TEMPLATE_NAME = "modele_formules.xlsx"
MARKER = "SEGMENTER_MODELE_FORMULES"  # a defined name: how a run recognises this workbook
NOT_CLASSIFIED = "Non classé"
UNSORTED = "Factures à trier"
MAX_RULES = 12
MAX_PRIORITY = 10
LAST = 1048576

CLIENT_INPUTS = (
    ("Code client", 13, "@"), ("Entreprise", 26, "@"), ("Secteur", 20, "@"), ("Code NAF", 9, "@"),
    ("Code postal", 10, "@"), ("Effectif", 9, "0"), ("Tranche effectif", 9, "@"),
    ("Date premier achat", 12, "dd/mm/yyyy"), ("Date dernier achat", 12, "dd/mm/yyyy"),
    ("Nombre commandes", 11, "0"), ("CA total", 13, '#,##0.00 "€"'), ("Source des achats", 12, "@"),
)
INVOICE_INPUTS = (
    ("Code client", 13, "@"), ("Date", 12, "dd/mm/yyyy"), ("N° facture", 14, "@"), ("Type", 11, "@"),
    ("Montant HT", 13, '#,##0.00 "€"'),
)
# document types as invoices.document_kinds reads them: COUNTIF patterns (case ignored), kept in two
# defined names so that each line's formula stays short (LibreOffice parses every cell's text)
_CREDIT_PATTERNS = ("*avoir*", "*cr?dit*", "*refund*", "*rembours*", "*retour*", "*note de cr*")
_NOT_SALE_PATTERNS = ("*devis*", "*proforma*", "*pro forma*", "*bon de commande*", "*bon de livraison*", "*quote*",
                      "*estimate*", "*brouillon*", "*draft*", "*annul*", "*cancel*", "BL", "BC", "BL *", "BC *")


def _letters(headers: list[str]) -> dict[str, str]:
    from openpyxl.utils import get_column_letter

    return {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}


# ----------------------------------------------------------------- Clients columns

_CLIENT_HELPERS = (
    "Calc client", "Calc mode", "Calc position", "Calc ligne factures", "Calc début bloc", "Calc premier achat",
    "Calc dernier achat", "Calc commandes", "Calc CA", "Calc CA 12 mois", "Calc CA 12 mois avant", "Calc état",
    "Calc F", "Calc M", "Calc M sup", "Calc secteur", "Calc premier secteur", "Calc nb secteur",
    "Calc petit secteur", "Calc rang secteur", "Calc CA synthèse", "Calc code postal", "Calc tranche",
    "Calc effectif", "Calc raisons",
)
CLIENT_HEADERS = [c[0] for c in CLIENT_INPUTS] + list(SEGMENT_COLUMNS) + list(_CLIENT_HELPERS)
_C = _letters(CLIENT_HEADERS)

_INVOICE_HELPERS = (
    "Calc jour", "Calc genre", "Calc signé", "Calc jour achat", "Calc même client", "Calc début",
    "Calc même facture", "Calc facture achetée", "Calc nouvelle commande", "Calc ordre", "Calc absent",
)
INVOICE_HEADERS = [c[0] for c in INVOICE_INPUTS] + list(_INVOICE_HELPERS)
_F = _letters(INVOICE_HEADERS)


def invoice_formulas(r: int) -> dict[str, str]:
    """The helper formulas of line ``r`` of « Factures » (the same in every row, as a Table column).

    Each line says what it is (purchase, credit note, ignored) and where its
    client's block starts; a client then sums its own block (rows début…last),
    so the work grows with the number of lines, not lines × clients.
    """
    f = {k: f"{v}{r}" for k, v in _F.items()}
    p = {k: f"{v}{r - 1}" for k, v in _F.items()}
    code, date, num, typ, amt = (f[c[0]] for c in INVOICE_INPUTS)
    jour, kind = f["Calc jour"], f["Calc genre"]
    same, same_inv = f["Calc même client"], f["Calc même facture"]
    by_sign = f"IF(N({amt})<0,2,1)"
    within = (f'IF({p["N° facture"]}="",IF({num}="",1,0),IF({num}="",1,IF({num}>{p["N° facture"]},1,'
              f'IF({num}={p["N° facture"]},IF({p["Calc jour"]}="",IF({jour}="",1,0),'
              f'IF({jour}="",1,IF({jour}>={p["Calc jour"]},1,0))),0))))')
    return {
        "Calc jour": f'=IF(ISNUMBER({date}),INT({date}),"")',
        # 0 left out (no client, no date, after the analysis date, quote…), 1 purchase, 2 credit note —
        # as invoices.document_kinds; most lines say « Facture »: decided without a search
        "Calc genre": (f'=IF(OR({code}="",{jour}=""),0,IF({jour}>P_Date,0,IF(OR({typ}="",{typ}="Facture"),{by_sign},'
                       f'IF(SUMPRODUCT(COUNTIF({typ},L_Avoir))>0,2,IF(SUMPRODUCT(COUNTIF({typ},L_HorsVente))>0,0,'
                       f'{by_sign})))))'),
        "Calc signé": f'=IF({kind}=0,0,IF(AND({kind}=2,N({amt})>0),-{amt},N({amt})))',
        "Calc jour achat": f'=IF({kind}=1,{jour},"")',
        "Calc même client": f'=IF(AND({code}<>"",{code}={p["Code client"]}),1,0)',
        "Calc début": f'=IF({same}=1,{p["Calc début"]},ROW())',
        "Calc même facture": (f'=IF(AND({same}=1,{num}<>"",{num}={p["N° facture"]},{jour}<>"",'
                              f'{jour}={p["Calc jour"]}),1,0)'),
        "Calc facture achetée": (f'=IF({same_inv}=1,MAX({p["Calc facture achetée"]},IF({kind}=1,1,0)),'
                                 f'IF({kind}=1,1,0))'),
        "Calc nouvelle commande": (f'=IF(AND({kind}=1,OR({num}="",NOT(AND({same_inv}=1,'
                                   f'{p["Calc facture achetée"]}=1)))),1,0)'),
        # 1 when this line is in the order client › invoice number › date (blanks last)
        "Calc ordre": (f'=IF({code}="",1,IF(ROW()=2,1,IF({p["Code client"]}="",0,IF({same}=1,{within},'
                       f'IF({code}>{p["Code client"]},1,0)))))'),
        "Calc absent": (f'=IF(AND({code}<>"",{same}=0),IF(ISNA(MATCH({code},Clients!$A:$A,0)),1,0),0)'),
    }


def client_formulas(r: int) -> dict[str, str]:
    """The formulas of row ``r`` of « Clients »: the 11 outputs and their helper columns."""
    c = {k: f"{v}{r}" for k, v in _C.items()}
    col = {k: f"${v}:${v}" for k, v in _C.items()}
    code = c["Code client"]
    row = c["Calc client"]
    mode = c["Calc mode"]
    found = c["Calc position"]
    pos = c["Calc ligne factures"]
    start = c["Calc début bloc"]
    first, last, orders, ca = c["Calc premier achat"], c["Calc dernier achat"], c["Calc commandes"], c["Calc CA"]
    state = c["Calc état"]
    fs, ms = c["Calc F"], c["Calc M"]
    rec, sr, sf, sm = c["Récence (jours)"], c["Score R"], c["Score F"], c["Score M"]
    sector = c["Calc secteur"]
    nsec = c["Calc nb secteur"]
    seg_pmg, size = c["Segment PMG"], c["Taille"]
    block = lambda name: f"INDEX({name},{start}):INDEX({name},{pos})"  # noqa: E731 - the client's lines
    typed = f'{mode}<>"factures"'
    all_after = f'AND({last}<>"",{last}>P_Date,{first}<>"",{first}>P_Date)'
    n_orders = f'IF({orders}="",IF({last}<>"",1,0),{orders})'
    band = c["Tranche effectif"]
    band_code = c["Calc tranche"]
    head = c["Effectif"]
    headcount = c["Calc effectif"]
    by_head = (f'IF({head}="","{UNKNOWN_SIZE}",IF({headcount}<0,"{UNKNOWN_SIZE}",IF({headcount}<10,"TPE",'
               f'IF({headcount}<250,"PME",IF({headcount}<5000,"ETI","GE")))))')
    cp_in = c["Code postal"]
    cp = c["Calc code postal"]
    region = (f'IF(AND(LEN({cp})=5,ISNUMBER(-{cp})),IFERROR(VLOOKUP({cp},L_CP,2,0),IFERROR(VLOOKUP(LEFT({cp},3),'
              f'L_CP,2,0),IFERROR(VLOOKUP(LEFT({cp},2),L_CP,2,0),"{UNKNOWN_REGION}"))),"{UNKNOWN_REGION}")')
    sec_in = f'TRIM({c["Secteur"]}&"")'
    naf = f'LEFT(TRIM({c["Code NAF"]}&""),2)'
    reasons = (
        f'IF(OR({size}="ETI",{size}="GE"),"Grande entreprise ("&{size}&") pour un petit compte ; ","")'
        f'&IF(COUNTIF(P_Prio,{sector})>0,"Secteur prioritaire ("&{sector}&") ; ","")'
        f'&IF(AND({sr}>=4,{sf}>=4),"Achète souvent et récemment (R≥4, F≥4) ; ","")'
        f'&IF(AND(N({c["Calc CA 12 mois avant"]})>0,N({c["Calc CA 12 mois"]})>=P_Croissance*'
        f'N({c["Calc CA 12 mois avant"]})),"CA des 12 derniers mois ≥ "&SUBSTITUTE(P_Croissance&"",".",",")'
        f'&" × celui des 12 mois d\'avant ; ","")'
    )
    higher = c["Calc M sup"]
    rank_tier = (f'IF({higher}*100<P_NScored*P_Gros,"Gros",'
                 f'IF({higher}*100<P_NScored*P_Moyens,"Moyens","Petits"))')
    share = f'SUMIF({col["Calc M"]},">"&MAX({ms},0))/P_CAPos'
    part_tier = (f'IF(P_CAPos<=0,"Petits",IF({share}<P_GrosCA/100-1E-12,"Gros",'
                 f'IF({share}<P_MoyensCA/100-1E-12,"Moyens","Petits")))')
    return {
        "Calc client": f'=IF(COUNTA({_C["Code client"]}{r}:{_C["CA total"]}{r})=0,0,1)',
        "Calc mode": (f'=IF({c["Source des achats"]}<>"",LOWER(TRIM({c["Source des achats"]})),P_Source)'),
        # the last line of the client's block in the sorted « Factures » (binary search), 0 if none
        "Calc position": (f'=IF(OR({row}=0,{code}="",{mode}="saisie",P_FactOK<>1),0,'
                          f'IFERROR(MATCH({code},F_Code,1),0))'),
        "Calc début bloc": f'=IF({found}>0,INDEX(F_Debut,{found})-1,0)',
        "Calc ligne factures": (f'=IF({found}=0,0,IF(AND(INDEX(F_Code,{found})={code},'
                                f'COUNT(INDEX(F_Jour,{start}):INDEX(F_Jour,{found}))>0),{found},0))'),
        "Calc premier achat": (f'=IF({pos}>0,IF({orders}>0,MIN({block("F_JourAchat")}),""),'
                               f'IF(AND({typed},ISNUMBER({c["Date premier achat"]})),{c["Date premier achat"]},""))'),
        "Calc dernier achat": (f'=IF({pos}>0,IF({orders}>0,MAX({block("F_JourAchat")}),""),'
                               f'IF(AND({typed},ISNUMBER({c["Date dernier achat"]})),{c["Date dernier achat"]},""))'),
        "Calc commandes": (f'=IF({pos}>0,SUM({block("F_Nouv")}),IF({mode}="factures",0,'
                           f'IF(ISNUMBER({c["Nombre commandes"]}),{c["Nombre commandes"]},"")))'),
        "Calc CA": (f'=IF({pos}>0,ROUND(SUM({block("F_Signe")}),2),IF({mode}="factures",0,'
                    f'IF(ISNUMBER({c["CA total"]}),ROUND({c["CA total"]},2),"")))'),
        "Calc CA 12 mois": f'=IF({pos}>0,ROUND(SUMIFS({block("F_Signe")},{block("F_Jour")},">"&P_D12),2),"")',
        "Calc CA 12 mois avant": (f'=IF({pos}>0,ROUND(SUMIFS({block("F_Signe")},{block("F_Jour")},"<="&P_D12,'
                                  f'{block("F_Jour")},">"&P_D24),2),"")'),
        # S scored, P prospect, N not classified (orders but no date), T Factures to sort first
        "Calc état": (f'=IF({row}=0,"",IF(AND(P_FactOK<>1,{mode}<>"saisie",{code}<>""),"T",IF({all_after},"P",'
                      f'IF(N({n_orders})>=1,IF({last}="","N","S"),"P"))))'),
        "Calc F": f'=IF({state}="S",{n_orders},"")',
        "Calc M": f'=IF({state}="S",N({ca}),"")',
        "Calc M sup": f'=IF({state}="S",COUNTIF({col["Calc M"]},">"&{ms}),"")',
        "Récence (jours)": f'=IF({state}="S",MAX(0,INT(P_Date-{last})),"")',
        "Score R": (f'=IF({state}<>"S","",IF(P_Seuils,5-({rec}>P_R1)-({rec}>P_R2)-({rec}>P_R3)-({rec}>P_R4),'
                    f'1+INT(5*COUNTIF({col["Récence (jours)"]},">"&{rec})/P_NScored)))'),
        "Score F": (f'=IF({state}<>"S","",IF(P_Seuils,1+({fs}>=P_F1)+({fs}>=P_F2)+({fs}>=P_F3)+({fs}>=P_F4),'
                    f'1+INT(5*COUNTIF({col["Calc F"]},"<"&{fs})/P_NScored)))'),
        "Score M": (f'=IF({state}<>"S","",IF(P_Seuils,1+({ms}>=P_M1)+({ms}>=P_M2)+({ms}>=P_M3)+({ms}>=P_M4),'
                    f'1+INT(5*COUNTIF({col["Calc M"]},"<"&{ms})/P_NScored)))'),
        "Code RFM": f'=IF({state}<>"S","",{sr}&{sf}&{sm})',
        "Segment RFM": (f'=IF({row}=0,"",IF({state}="T","{UNSORTED}",IF({state}="P","{PROSPECT}",'
                        f'IF({state}="N","{NOT_CLASSIFIED}",INDEX(L_Segments,({sr}-1)*25+({sf}-1)*5+{sm})))))'),
        "Segment PMG": (f'=IF({row}=0,"",IF({state}="T","",IF({state}="P","{PROSPECT}",IF({state}="N",'
                        f'"{NOT_CLASSIFIED}",IF(P_PartCA,{part_tier},{rank_tier})))))'),
        "Calc secteur": (f'=IF({row}=0,"",IF({sec_in}<>"",IFERROR(INDEX(L_Secteurs,MATCH({sec_in},L_Secteurs,0)),'
                         f'UPPER(LEFT({sec_in},1))&MID({sec_in},2,300)),IFERROR(VLOOKUP({naf},L_NAF,2,0),'
                         f'"{UNKNOWN_SECTOR}")))'),
        # counted once per sector, on its first row (MATCH stops there), then read by the other rows
        "Calc premier secteur": f'=IF({row}=0,"",MATCH({sector},{col["Calc secteur"]},0))',
        "Calc nb secteur": (f'=IF({row}=0,"",IF({c["Calc premier secteur"]}=ROW(),COUNTIF({col["Calc secteur"]},'
                            f'{sector}),INDEX({col["Calc nb secteur"]},{c["Calc premier secteur"]})))'),
        "Calc petit secteur": (f'=IF({row}=0,0,IF(AND({sector}<>"{UNKNOWN_SECTOR}",{nsec}*100<P_NClients*P_SeuilSecteurs),'
                               f'1/{nsec},0))'),
        "Segment Secteur": (f'=IF({row}=0,"",IF(AND({c["Calc petit secteur"]}>0,P_NbPetitsSecteurs>=2),'
                            f'"{OTHER_SECTORS}",{sector}))'),
        # the row of each Segment Secteur's first client: the Synthèse lists them with SMALL
        "Calc rang secteur": (f'=IF({row}=0,"",IF(MATCH({c["Segment Secteur"]},{col["Segment Secteur"]},0)=ROW(),'
                              f'ROW(),""))'),
        "Taille": f'=IF({row}=0,"",IFERROR(VLOOKUP({band_code},L_Tranches,2,0),{by_head}))',
        "Région": f'=IF({row}=0,"",{region})',
        "Calc raisons": f'=IF({seg_pmg}<>"Petits","",{reasons})',
        "Potentiel": (f'=IF({c["Calc raisons"]}="","",LEFT({c["Calc raisons"]},LEN({c["Calc raisons"]})-3))'),
        "Calc code postal": (f'=IF(ISNUMBER({cp_in}),IF({cp_in}=INT({cp_in}),TEXT({cp_in},"00000"),""),'
                             f'IF(LEN(SUBSTITUTE(TRIM({cp_in})," ",""))=4,"0","")&SUBSTITUTE(TRIM({cp_in})," ",""))'),
        "Calc tranche": (f'=IF(ISNUMBER({band}),TEXT({band},"00"),IF(LEN(TRIM({band}))=1,"0"&TRIM({band}),'
                         f'UPPER(TRIM({band}))))'),
        "Calc effectif": f'=IF(ISNUMBER({head}),{head},IFERROR(VALUE(SUBSTITUTE(TRIM({head})," ","")),-1))',
        "Calc CA synthèse": f'=IF({row}=0,"",IF({all_after},0,N({ca})))',
    }


# ----------------------------------------------------------------- lookup tables from the package's refdata

def postal_lookup() -> list[tuple[str, str]]:
    """(prefix, région) rows: the shortest prefix that decides the région of every 5-digit code.

    Made by asking :func:`profile.region_of` about all 100 000 codes, so the sheet
    and the Python run cannot disagree (Corsica 20x → Corse, DROM on three digits,
    97133 / 97150 and 975, 977, 978, 98x → Hors France, 00x → Inconnue).
    """
    from ..profile import region_of

    regions = {f"{i:05d}": region_of(f"{i:05d}") for i in range(100_000)}
    rows: list[tuple[str, str]] = []
    for two in range(100):
        p2 = f"{two:02d}"
        codes2 = [c for c in regions if c.startswith(p2)]
        common2 = max(set(regions[c] for c in codes2), key=lambda v: sum(regions[c] == v for c in codes2))
        if common2 != UNKNOWN_REGION:
            rows.append((p2, common2))
        for three in range(10):
            p3 = p2 + str(three)
            codes3 = [c for c in codes2 if c.startswith(p3)]
            vals3 = [regions[c] for c in codes3]
            common3 = max(set(vals3), key=vals3.count)
            if common3 != common2:
                rows.append((p3, common3))
            rows += [(c, regions[c]) for c in codes3 if regions[c] != common3]
    return rows


def naf_lookup() -> list[tuple[str, str]]:
    from ..refdata import naf_divisions

    return [(div, SECTION_GROUPS[sec]) for div, sec in sorted(naf_divisions().items()) if sec in SECTION_GROUPS]


def band_lookup() -> list[tuple[str, str]]:
    from ..profile import size_class

    out = []
    for code in _bands():
        size = size_class(code, band_code=True)
        if size != UNKNOWN_SIZE:
            out.append((code, size))
    return out


def _bands() -> list[str]:
    from ..refdata import tranches_effectif

    return list(tranches_effectif())


def sector_labels() -> list[str]:
    return sorted(set(SECTION_GROUPS.values()))


# ----------------------------------------------------------------- the workbook

PARAM_SHEET = "Paramètres"
#: (defined name, label, default, comment) of the one-value settings, from row 4 of « Paramètres »
_PARAMS = (
    ("P_DateSaisie", "Date d'analyse", None, "Vide = aujourd'hui. Fixez-la pour rejouer un ancien export."),
    ("P_Mode", "Mode de calcul des scores RFM", "quintiles",
     "quintiles : 5 groupes de taille égale selon votre base ; seuils : bornes fixes ci-dessous."),
    ("P_Methode", "Méthode Petits / Moyens / Gros", "rang",
     "rang : les 20 % premiers clients par CA sont Gros, les 30 % suivants Moyens ; "
     "part_ca : Gros jusqu'à 80 % du CA cumulé, Moyens jusqu'à 95 %."),
    ("P_Gros", "Part des clients classés Gros (%)", 20, "Méthode rang."),
    ("P_Moyens", "Part cumulée des clients Gros + Moyens (%)", 50, "Méthode rang : 50 = 20 % Gros + 30 % Moyens."),
    ("P_GrosCA", "Part du CA cumulé des Gros (%)", 80, "Méthode part_ca."),
    ("P_MoyensCA", "Part du CA cumulé des Gros + Moyens (%)", 95, "Méthode part_ca."),
    ("P_SeuilSecteurs", "Regrouper les secteurs sous (% de la base)", 5,
     "Les secteurs plus petits sont regroupés dans « Autres secteurs »."),
    ("P_Croissance", "Croissance du CA signalant un potentiel", 1.5,
     "Un Petit dont le CA des 12 derniers mois atteint 1,5 × celui des 12 mois d'avant est « à potentiel » "
     "(calculé avec la feuille Factures)."),
    ("P_PetitSegment", "Taille minimale d'un segment (% de la base)", 5,
     "Un segment plus petit est signalé dans la Synthèse."),
    ("P_Source", "Source des achats", "automatique",
     "automatique : un client présent dans Factures prend ses achats de Factures, les autres gardent les "
     "colonnes saisies ; factures : uniquement Factures ; saisie : uniquement les colonnes saisies. "
     "La colonne « Source des achats » de Clients peut le changer ligne par ligne."),
)
_THRESHOLDS = (("R", "Seuils de récence (jours) pour R = 5 ; 4 ; 3 ; 2", (30, 90, 180, 365)),
               ("F", "Seuils de commandes pour F = 5 ; 4 ; 3 ; 2", (10, 5, 3, 2)),
               ("M", "Seuils de CA (€) pour M = 5 ; 4 ; 3 ; 2", (10_000, 5_000, 2_000, 500)))
_PARAM_ROW0 = 4
_THRESH_ROW0 = _PARAM_ROW0 + len(_PARAMS) + 1
_RULES_ROW0 = _THRESH_ROW0 + len(_THRESHOLDS) + 3  # header row of the rule table
_PRIO_ROW0 = _RULES_ROW0 + MAX_RULES + 3  # first cell of the priority sectors


def _array(values: tuple[str, ...]) -> str:
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _abs(sheet: str, ref: str) -> str:
    from openpyxl.utils.cell import absolute_coordinate

    if ":" in ref:
        a, b = ref.split(":")
        return f"{_q(sheet)}!{absolute_coordinate(a)}:{absolute_coordinate(b)}"
    return f"{_q(sheet)}!{absolute_coordinate(ref)}"


def build(path: Path | str, settings: Settings | None = None) -> Path:
    """Write the formula template to ``path`` (no client, one empty row in each Table)."""
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    from .templates import fix_metadata

    settings = settings or Settings()
    path = Path(path)
    wb = Workbook()
    names: dict[str, str] = {MARKER: '"1"', "L_Avoir": _array(_CREDIT_PATTERNS),
                             "L_HorsVente": _array(_NOT_SALE_PATTERNS)}
    _clients_sheet(wb.active)
    _invoices_sheet(wb.create_sheet("Factures"))
    _synthese_sheet(wb.create_sheet("Synthèse"))
    _params_sheet(wb.create_sheet(PARAM_SHEET), settings, names)
    _mode_emploi_sheet(wb.create_sheet("Mode d'emploi"))
    _lookup_sheets(wb, names)
    _calc_sheet(wb.create_sheet("Calculs"), names)
    for sheet in ("Listes", "Codes RFM", "Calculs"):
        wb[sheet].sheet_state = "hidden"
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    fix_metadata(wb)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _header(ws, headers, widths, row: int = 1, helper_from: int | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for j, (h, w) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row, j, h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = w
        if helper_from is not None and j >= helper_from:
            cell.fill = PatternFill("solid", fgColor="808080")
            ws.column_dimensions[get_column_letter(j)].hidden = True


def _clients_sheet(ws) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .writer import make_table

    ws.title = "Clients"
    widths = [c[1] for c in CLIENT_INPUTS] + [10, 7, 7, 7, 8, 16, 10, 22, 9, 22, 40] + [10] * len(_CLIENT_HELPERS)
    _header(ws, CLIENT_HEADERS, widths, helper_from=len(CLIENT_INPUTS) + len(SEGMENT_COLUMNS) + 1)
    out_fill = PatternFill("solid", fgColor="E2EFDA")
    for j, h in enumerate(CLIENT_HEADERS, start=1):
        if h in SEGMENT_COLUMNS:
            ws.cell(1, j).fill = PatternFill("solid", fgColor="548235")
    _write_client_row(ws, 2)
    for j, (_, _, fmt) in enumerate(CLIENT_INPUTS, start=1):
        ws.cell(2, j).number_format = fmt
    for j, h in enumerate(CLIENT_HEADERS, start=1):
        if h in SEGMENT_COLUMNS:
            ws.cell(2, j).fill = out_fill
    ws.add_table(make_table("TableClients", f"A1:{_C[CLIENT_HEADERS[-1]]}2", CLIENT_HEADERS))
    ws.freeze_panes = "B2"
    validation = DataValidation(type="list", formula1='"Factures,Saisie"', allow_blank=True,
                        error="Laissez vide (paramètre global), ou choisissez Factures ou Saisie.")
    validation.add(f"{_C['Source des achats']}2:{_C['Source des achats']}{LAST}")
    ws.add_data_validation(validation)


def _write_client_row(ws, r: int) -> None:
    for h, formula in client_formulas(r).items():
        ws[f"{_C[h]}{r}"] = formula


def _write_invoice_row(ws, r: int) -> None:
    for h, formula in invoice_formulas(r).items():
        ws[f"{_F[h]}{r}"] = formula


def _invoices_sheet(ws) -> None:
    from .writer import make_table

    widths = [c[1] for c in INVOICE_INPUTS] + [9] * len(_INVOICE_HELPERS)
    _header(ws, INVOICE_HEADERS, widths, helper_from=len(INVOICE_INPUTS) + 1)
    _write_invoice_row(ws, 2)
    for j, (_, _, fmt) in enumerate(INVOICE_INPUTS, start=1):
        ws.cell(2, j).number_format = fmt
    ws.add_table(make_table("TableFactures", f"A1:{_F[INVOICE_HEADERS[-1]]}2", INVOICE_HEADERS,
                            style="TableStyleMedium4"))
    ws.freeze_panes = "A2"


def _params_sheet(ws, settings: Settings, names: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    ws["A1"] = "Paramètres du modèle"
    ws["A1"].font = Font(bold=True, size=14, color="1F3864")
    ws["A2"] = "Modifiez les cellules en bleu : tout le classeur se recalcule."
    for col, w in zip("ABCDEFGH", (46, 14, 10, 10, 10, 10, 10, 60)):
        ws.column_dimensions[col].width = w
    blue = Font(color="0000FF", bold=True)
    values = {
        "P_DateSaisie": settings.date_analyse, "P_Mode": settings.mode_rfm, "P_Methode": settings.methode_pmg,
        "P_Gros": settings.pmg_gros_pct, "P_Moyens": settings.pmg_moyens_pct, "P_GrosCA": settings.pmg_gros_part_ca,
        "P_MoyensCA": settings.pmg_moyens_part_ca, "P_SeuilSecteurs": settings.seuil_regroupement_secteurs,
        "P_Croissance": settings.croissance_potentiel, "P_PetitSegment": settings.seuil_petit_segment,
    }
    for i, (name, label, default, comment) in enumerate(_PARAMS):
        r = _PARAM_ROW0 + i
        ws.cell(r, 1, label)
        v = values.get(name, default)
        cell = ws.cell(r, 2, v if v is not None else None)
        cell.font = blue
        if name == "P_DateSaisie":
            cell.number_format = "dd/mm/yyyy"
        ws.cell(r, 8, comment).alignment = Alignment(wrap_text=True, vertical="top")
        names[name] = _abs(PARAM_SHEET, f"B{r}")
    for name, choices in (("P_Mode", "quintiles,seuils"), ("P_Methode", "rang,part_ca"),
                          ("P_Source", "automatique,factures,saisie")):
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False)
        validation.add(names[name].split("!")[1].replace("$", ""))
        ws.add_data_validation(validation)
    ths = {"R": settings.seuils_r, "F": settings.seuils_f, "M": settings.seuils_m}
    for i, (dim, label, _) in enumerate(_THRESHOLDS):
        r = _THRESH_ROW0 + i
        ws.cell(r, 1, label)
        for k, v in enumerate(ths[dim], start=1):
            ws.cell(r, 1 + k, v).font = blue
            names[f"P_{dim}{k}"] = _abs(PARAM_SHEET, f"{'ABCDE'[k]}{r}")
    ws.cell(_THRESH_ROW0, 8, "Utilisés en mode « seuils » seulement.")
    r0 = _RULES_ROW0
    ws.cell(r0 - 1, 1, "Segments RFM : la première règle qui correspond s'applique (bornes incluses, de 1 à 5)").font = \
        Font(bold=True)
    for j, h in enumerate(("Segment", "R min", "R max", "F min", "F max", "M min", "M max"), start=1):
        ws.cell(r0, j, h).font = Font(bold=True)
    for i in range(MAX_RULES):
        r = r0 + 1 + i
        if i < len(settings.regles_segments):
            rule = settings.regles_segments[i]
            vals = (rule.name, rule.r[0], rule.r[1], rule.f[0], rule.f[1], rule.m[0], rule.m[1])
            for j, v in enumerate(vals, start=1):
                ws.cell(r, j, v).font = blue
    names["P_Regles"] = _abs(PARAM_SHEET, f"A{r0 + 1}:G{r0 + MAX_RULES}")
    names["P_RegleNoms"] = _abs(PARAM_SHEET, f"A{r0 + 1}:A{r0 + MAX_RULES}")
    ws.cell(r0 + 1, 8, "Chaque code RFM doit être couvert par une règle (la dernière peut aller de 1 à 5 partout).")
    p0 = _PRIO_ROW0
    ws.cell(p0 - 1, 1, "Secteurs prioritaires (un par cellule) : un Petit client de ces secteurs est « à potentiel »"
            ).font = Font(bold=True)
    for i, s in enumerate(settings.secteurs_prioritaires[:MAX_PRIORITY]):
        ws.cell(p0 + i, 1, s).font = blue
    names["P_Prio"] = _abs(PARAM_SHEET, f"A{p0}:A{p0 + MAX_PRIORITY - 1}")


def _calc_sheet(ws, names: dict[str, str]) -> None:
    c = _C
    f = _F
    fcol = lambda h: f"Factures!${f[h]}$2:${f[h]}${LAST}"  # noqa: E731
    rows = (
        ("P_Date", "=IF(ISNUMBER(P_DateSaisie),INT(P_DateSaisie),TODAY())"),
        ("P_D12", "=EDATE(P_Date,-12)"),
        ("P_D24", "=EDATE(P_Date,-24)"),
        ("P_Seuils", '=LOWER(TRIM(P_Mode))="seuils"'),
        ("P_PartCA", '=LOWER(TRIM(P_Methode))="part_ca"'),
        ("P_NClients", f"=SUM(Clients!${c['Calc client']}:${c['Calc client']})"),
        ("P_NScored", f"=COUNT(Clients!${c['Calc M']}:${c['Calc M']})"),
        ("P_CAPos", f'=SUMIF(Clients!${c["Calc M"]}:${c["Calc M"]},">0")'),
        ("P_NbPetitsSecteurs", f"=ROUND(SUM(Clients!${c['Calc petit secteur']}:${c['Calc petit secteur']}),0)"),
        ("P_FactLignes", f'=COUNTA({fcol("Code client")})'),
        ("P_FactOK", f"=IF(COUNTIF({fcol('Calc ordre')},0)>0,0,1)"),
        ("P_FactAbsents", f"=SUM({fcol('Calc absent')})"),
        ("P_FactApres", f'=COUNTIFS({fcol("Calc jour")},">"&P_Date,{fcol("Code client")},"<>")'),
    )
    ws["A1"] = "Calculs intermédiaires du modèle (ne pas modifier)"
    for i, (name, formula) in enumerate(rows, start=3):
        ws.cell(i, 1, name)
        ws.cell(i, 2, formula)
        names[name] = _abs("Calculs", f"B{i}")
    for name, h in (("F_Code", "Code client"), ("F_Jour", "Calc jour"), ("F_Debut", "Calc début"),
                    ("F_Nouv", "Calc nouvelle commande"), ("F_Signe", "Calc signé"),
                    ("F_JourAchat", "Calc jour achat")):
        names[name] = fcol(h)


def _lookup_sheets(wb, names: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet("Listes")
    # (first column, headers, code → label pairs, defined name): codes kept as text (« 01 », « 2A »)
    for col, (head_code, head_label), pairs, name in (
            (1, ("Préfixe code postal", "Région"), postal_lookup(), "L_CP"),
            (4, ("Division NAF", "Secteur"), naf_lookup(), "L_NAF"),
            (7, ("Tranche SIRENE", "Taille"), band_lookup(), "L_Tranches")):
        ws.cell(1, col, head_code)
        ws.cell(1, col + 1, head_label)
        for i, (k, v) in enumerate(pairs, start=2):
            ws.cell(i, col, k).number_format = "@"
            ws.cell(i, col + 1, v)
        first, last = get_column_letter(col), get_column_letter(col + 1)
        names[name] = _abs("Listes", f"{first}2:{last}{len(pairs) + 1}")
    ws["J1"] = "Secteurs (orthographe)"
    labels = sector_labels()
    for i, v in enumerate(labels, start=2):
        ws.cell(i, 10, v)
    names["L_Secteurs"] = _abs("Listes", f"J2:J{len(labels) + 1}")
    # the 125 codes: first matching rule of « Paramètres », one boolean column per rule
    wc = wb.create_sheet("Codes RFM")
    wc.append(["Code", "R", "F", "M", "Segment"] + [f"Règle {k}" for k in range(1, MAX_RULES + 1)])
    first_rule, last_rule = get_column_letter(6), get_column_letter(5 + MAX_RULES)
    r = 2
    for rr in range(1, 6):
        for ff in range(1, 6):
            for mm in range(1, 6):
                wc.cell(r, 1, f"{rr}{ff}{mm}")
                wc.cell(r, 2, rr)
                wc.cell(r, 3, ff)
                wc.cell(r, 4, mm)
                wc.cell(r, 5, f'=IFERROR(INDEX(P_RegleNoms,MATCH(TRUE,{first_rule}{r}:{last_rule}{r},0)),"Sans règle")')
                for k in range(MAX_RULES):
                    wc.cell(r, 6 + k, (f'=AND(INDEX(P_Regles,{k + 1},1)<>"",B{r}>=INDEX(P_Regles,{k + 1},2),'
                                       f'B{r}<=INDEX(P_Regles,{k + 1},3),C{r}>=INDEX(P_Regles,{k + 1},4),'
                                       f'C{r}<=INDEX(P_Regles,{k + 1},5),D{r}>=INDEX(P_Regles,{k + 1},6),'
                                       f'D{r}<=INDEX(P_Regles,{k + 1},7))'))
                r += 1
    names["L_Segments"] = _abs("Codes RFM", "E2:E126")


# ----------------------------------------------------------------- Synthèse and Mode d'emploi

SYNTHESE_BLOCKS = (
    ("Segment RFM", "Segment RFM"), ("Segment PMG", "Segment PMG"), ("Segment Secteur", "Segment Secteur"),
    ("Taille", "Taille"), ("Région", "Région"),
)
SECTOR_ROWS = 20
_SYN_COLUMNS = ("Clients", "% base", "CA", "% CA", "CA moyen", "Remarque")


def _block_labels(dimension: str) -> list[str]:
    from ..refdata import regions as region_table
    from ..profile import ABROAD

    if dimension == "Segment RFM":
        # the rules in order, then Prospect and Non classé: the unused rows stay at the bottom
        n = "COUNTA(P_RegleNoms)"
        return [f'=IF({k}<={n},INDEX(P_RegleNoms,{k}),IF({k}={n}+1,"{PROSPECT}",IF({k}={n}+2,"{NOT_CLASSIFIED}","")))'
                for k in range(1, MAX_RULES + 3)]
    if dimension == "Segment PMG":
        return ["Gros", "Moyens", "Petits", PROSPECT, NOT_CLASSIFIED]
    if dimension == "Segment Secteur":
        col, rank = _C["Segment Secteur"], _C["Calc rang secteur"]
        return [f'=IFERROR(INDEX(Clients!${col}:${col},SMALL(Clients!${rank}:${rank},{k})),"")'
                for k in range(1, SECTOR_ROWS + 1)]
    if dimension == "Taille":
        return ["TPE", "PME", "ETI", "GE", UNKNOWN_SIZE]
    names = sorted(v[0] if isinstance(v, tuple) else v for v in _region_names(region_table))
    return names + [ABROAD, UNKNOWN_REGION]


def _region_names(region_table) -> list[str]:
    got = region_table()
    return [v[0] if isinstance(v, (tuple, list)) else v for v in (got.values() if isinstance(got, dict) else got)]


def synthese_layout() -> dict[str, tuple[int, int]]:
    """First and last row of each dimension's block in « Synthèse »."""
    out = {}
    r = 10
    for dim, _ in SYNTHESE_BLOCKS:
        n = len(_block_labels(dim))
        out[dim] = (r + 1, r + n)
        r += n + 3
    return out


def _synthese_sheet(ws) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill

    ws["A1"] = "Synthèse de la segmentation (calculée par formules)"
    ws["A1"].font = Font(bold=True, size=14, color="1F3864")
    ws["A2"], ws["B2"] = "Date d'analyse", "=P_Date"
    ws["B2"].number_format = "dd/mm/yyyy"
    ws["A3"], ws["B3"] = "Clients", "=P_NClients"
    ws["A4"], ws["B4"] = "dont clients avec achats", "=P_NScored"
    catotal = f"SUM(Clients!${_C['Calc CA synthèse']}:${_C['Calc CA synthèse']})"
    ws["A5"], ws["B5"] = "Chiffre d'affaires", f"={catotal}"
    ws["B5"].number_format = '#,##0 "€"'
    m, s = _C["Calc M"], _C["Segment PMG"]
    g_clients = f'COUNTIF(Clients!${s}:${s},"Gros")/P_NScored'
    g_ca = f'SUMIFS(Clients!${m}:${m},Clients!${s}:${s},"Gros",Clients!${m}:${m},">0")/P_CAPos'
    ws["A6"] = (f'=IF(OR(P_NScored=0,P_CAPos<=0),"Aucun client avec des achats : pas de répartition du CA à montrer.",'
                f'"Vos "&ROUND(100*{g_clients},0)&" % de clients « Gros » réalisent "&ROUND(100*{g_ca},0)'
                f'&" % de votre chiffre d\'affaires.")')
    ws["A6"].font = Font(bold=True, size=12)
    ws["A7"] = ('=IF(P_FactLignes=0,"Feuille Factures vide : les achats viennent des colonnes de Clients.",'
                'IF(P_FactOK<>1,"⚠ Factures n\'est pas triée : sélectionnez-la, Données › Trier par Code client, '
                'puis N° facture, puis Date.","Factures : "&P_FactLignes&" lignes, triées."&IF(P_FactAbsents>0,'
                '" ⚠ "&P_FactAbsents&" code(s) client de Factures absent(s) de Clients : ajoutez-les à Clients.","")'
                '&IF(P_FactApres>0," "&P_FactApres&" ligne(s) après la date d\'analyse ignorée(s).","")))')
    ws["A8"] = "Cellules en texte à vérifier"
    checks = "+".join(f'COUNTIF(Clients!${_C[h]}:${_C[h]},"?*")' for h in
                      ("Date premier achat", "Date dernier achat", "Nombre commandes", "CA total"))
    # dates, counts or amounts typed as text in « Clients » (each column's header is text too)
    ws["B8"] = f"={checks}-4"
    for col, w in zip("ABCDEFG", (30, 10, 9, 14, 9, 12, 44)):
        ws.column_dimensions[col].width = w
    head_fill = PatternFill("solid", fgColor="1F3864")
    layout = synthese_layout()
    catotal_ref = "$B$5"
    for dim, src in SYNTHESE_BLOCKS:
        first, last = layout[dim]
        header_row = first - 1
        col = _C[src]
        for j, h in enumerate((dim,) + _SYN_COLUMNS, start=1):
            cell = ws.cell(header_row, j, h)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = head_fill
        for r, label in zip(range(first, last + 1), _block_labels(dim)):
            ws.cell(r, 1, label)
            segment_column = f"Clients!${col}:${col}"
            ws.cell(r, 2, f'=IF($A{r}="","",COUNTIF({segment_column},$A{r}))')
            ws.cell(r, 3, f'=IF(OR($A{r}="",P_NClients=0),"",B{r}/P_NClients)').number_format = "0.0%"
            ws.cell(r, 4, f'=IF($A{r}="","",SUMIF({segment_column},$A{r},Clients!${_C["Calc CA synthèse"]}:'
                          f'${_C["Calc CA synthèse"]}))').number_format = '#,##0 "€"'
            ws.cell(r, 5, f'=IF(OR($A{r}="",{catotal_ref}=0),"",D{r}/{catotal_ref})').number_format = "0.0%"
            ws.cell(r, 6, f'=IF(OR($A{r}="",N(B{r})=0),"",D{r}/B{r})').number_format = '#,##0 "€"'
            if dim == "Segment RFM":
                ws.cell(r, 7, f'=IF(OR($A{r}="",N(B{r})=0),"",IF(B{r}*100<P_NClients*P_PetitSegment,'
                              f'"Moins de "&P_PetitSegment&" % de la base : pas d\'actions propres",""))')
    first, last = layout["Segment RFM"]
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Clients par segment RFM"
    chart.y_axis.title = "Clients"
    chart.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first segment on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 11, 15
    ws.add_chart(chart, "I10")
    ws.freeze_panes = "A10"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


MODE_EMPLOI = (
    ("1. Coller", "Collez votre fichier clients dans la feuille « Clients », sous les en-têtes, une colonne à la fois "
                  "si l'ordre de vos colonnes diffère (Code client, Entreprise, Secteur, Code NAF, Code postal, "
                  "Effectif, Tranche effectif, dates d'achat, Nombre commandes, CA total). Le tableau s'agrandit "
                  "tout seul dans Excel. Avec un export de facturation : collez seulement les codes clients dans "
                  "« Clients » et les lignes (Code client, Date, N° facture, Type, Montant HT) dans « Factures », "
                  "puis triez « Factures » : Données › Trier par Code client, puis N° facture, puis Date."),
    ("2. Vérifier", "Regardez le haut de la « Synthèse » : nombre de clients, Factures triée, codes de Factures "
                    "absents de Clients, cellules en texte dans une colonne de dates ou de nombres. Dans LibreOffice, "
                    "recopiez la dernière ligne de formules vers le bas si le tableau ne s'est pas agrandi. "
                    "Réglez la date d'analyse, le mode des scores et les règles des segments dans « Paramètres »."),
    ("3. Lire", "Les 11 colonnes vertes de « Clients » (Récence, scores R, F, M, Code RFM, Segment RFM, Segment PMG, "
                "Segment Secteur, Taille, Région, Potentiel) et la « Synthèse » se recalculent seules à chaque "
                "modification : triez, filtrez, faites des tableaux croisés. Aucune macro, aucun complément."),
    ("Potentiel", "Calculé par formules : grande entreprise (ETI/GE) pour un petit compte, secteur prioritaire, "
                  "R≥4 et F≥4 ; la hausse du CA sur 12 mois demande la feuille Factures."),
    ("Limites", "Secteurs : l'orthographe est unifiée sans tenir compte des majuscules, pas des accents. Codes "
                "clients : écrits de la même façon dans Clients et Factures (majuscules indifférentes). "
                "« segmenter segmente » sur ce classeur ne remplace aucune formule : il recalcule en Python et dit si "
                "les résultats concordent."),
)


def _mode_emploi_sheet(ws) -> None:
    from openpyxl.styles import Alignment, Font

    ws["A1"] = "Mode d'emploi du modèle à formules"
    ws["A1"].font = Font(bold=True, size=14, color="1F3864")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    for i, (step, text) in enumerate(MODE_EMPLOI, start=3):
        ws.cell(i, 1, step).font = Font(bold=True)
        cell = ws.cell(i, 2, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = 15 * (1 + len(text) // 95)


# ----------------------------------------------------------------- filling, reading back, checking with Python

def fill(template: Path | str, path: Path | str, clients, invoices=None, *, settings: Settings | None = None,
         sort_invoices: bool = True) -> Path:
    """A copy of the template with ``clients`` (and ``invoices``) pasted, as Excel does when a Table grows.

    ``clients`` / ``invoices``: frames whose columns are headers of the template's
    input columns (others are left out). Each new row gets the Table's formulas.
    ``sort_invoices``: sort the lines as the user is asked to (client, invoice
    number, date). ``settings``: written into « Paramètres » first.
    """
    import pandas as pd
    from openpyxl import load_workbook

    wb = load_workbook(template)
    if settings is not None:
        _write_settings(wb[PARAM_SHEET], settings)
    _paste(wb["Clients"], clients, CLIENT_INPUTS, _write_client_row, "TableClients", CLIENT_HEADERS)
    if invoices is not None and len(invoices):
        ordered_invoices = invoices
        if sort_invoices:
            ordered_invoices = invoices.iloc[sorted(range(len(invoices)),
                                                    key=lambda i: _excel_sort_key(invoices.iloc[i]))]
        _paste(wb["Factures"], ordered_invoices, INVOICE_INPUTS, _write_invoice_row, "TableFactures", INVOICE_HEADERS)
    wb.save(path)
    del pd
    return Path(path)


def _empty_in_excel(v) -> bool:
    # an empty cell once pasted into Excel — not blank.is_blank: a text of spaces is a value
    # there, sorted and counted as text
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and v == "") or \
        (hasattr(v, "isoformat") is False and str(v) in ("NaT", "<NA>"))


def _excel_key(v):
    # Excel's ascending sort: numbers, then text (ignoring case), blanks last
    if _empty_in_excel(v):
        return (2, "")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (0, float(v))
    if hasattr(v, "toordinal"):
        return (0, float(v.toordinal()))
    return (1, str(v).casefold())


def _excel_sort_key(row):
    return (_excel_key(row.get("Code client")), _excel_key(row.get("N° facture")), _excel_key(row.get("Date")))


def _plain(v):
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()
    return v


def _paste(ws, frame, inputs, write_row, table_name: str, headers: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    cols = [(j, h, fmt) for j, (h, _, fmt) in enumerate(inputs, start=1) if h in frame.columns]
    values = [frame[h].tolist() for _, h, _ in cols]
    n = len(frame)
    for i in range(n):
        r = 2 + i
        for (j, _, fmt), vals in zip(cols, values):
            v = _plain(vals[i])
            if v is not None:
                cell = ws.cell(r, j, v)
                cell.number_format = fmt
        if r > 2:
            write_row(ws, r)
    last = get_column_letter(len(headers))
    ws.tables[table_name].ref = f"A1:{last}{max(n, 1) + 1}"
    ws.tables[table_name].autoFilter.ref = ws.tables[table_name].ref


def _write_settings(ws, settings: Settings) -> None:
    rows = {name: _PARAM_ROW0 + i for i, (name, *_rest) in enumerate(_PARAMS)}
    vals = {
        "P_DateSaisie": settings.date_analyse, "P_Mode": settings.mode_rfm, "P_Methode": settings.methode_pmg,
        "P_Gros": settings.pmg_gros_pct, "P_Moyens": settings.pmg_moyens_pct, "P_GrosCA": settings.pmg_gros_part_ca,
        "P_MoyensCA": settings.pmg_moyens_part_ca, "P_SeuilSecteurs": settings.seuil_regroupement_secteurs,
        "P_Croissance": settings.croissance_potentiel, "P_PetitSegment": settings.seuil_petit_segment,
    }
    for name, v in vals.items():
        ws.cell(rows[name], 2, v)
    for i, (dim, _, _) in enumerate(_THRESHOLDS):
        for k, v in enumerate({"R": settings.seuils_r, "F": settings.seuils_f, "M": settings.seuils_m}[dim], start=1):
            ws.cell(_THRESH_ROW0 + i, 1 + k, v)
    for i in range(MAX_RULES):
        r = _RULES_ROW0 + 1 + i
        rule = settings.regles_segments[i] if i < len(settings.regles_segments) else None
        vals_r = (rule.name, *rule.r, *rule.f, *rule.m) if rule else (None,) * 7
        for j, v in enumerate(vals_r, start=1):
            ws.cell(r, j, v)
    for i in range(MAX_PRIORITY):
        s = settings.secteurs_prioritaires[i] if i < len(settings.secteurs_prioritaires) else None
        ws.cell(_PRIO_ROW0 + i, 1, s)


def is_formula_template(wb) -> bool:
    """True for an openpyxl workbook made by :func:`build` (a run must not replace its formulas)."""
    return MARKER in wb.defined_names


def read_settings(wb) -> Settings:
    """The :class:`Settings` that « Paramètres » of a formula template describes."""
    from ..rules import SegmentRule

    ws = wb[PARAM_SHEET]
    v = {name: ws.cell(_PARAM_ROW0 + i, 2).value for i, (name, *_rest) in enumerate(_PARAMS)}
    th = {dim: tuple(ws.cell(_THRESH_ROW0 + i, 1 + k).value for k in range(1, 5))
          for i, (dim, _, _) in enumerate(_THRESHOLDS)}
    rules = []
    for i in range(MAX_RULES):
        row = [ws.cell(_RULES_ROW0 + 1 + i, j).value for j in range(1, 8)]
        if row[0] not in (None, ""):
            rules.append(SegmentRule(str(row[0]).strip(), (int(row[1]), int(row[2])), (int(row[3]), int(row[4])),
                                     (int(row[5]), int(row[6]))))
    priority_sectors = tuple(str(ws.cell(_PRIO_ROW0 + i, 1).value).strip() for i in range(MAX_PRIORITY)
                 if ws.cell(_PRIO_ROW0 + i, 1).value not in (None, ""))
    date = v["P_DateSaisie"]
    return Settings(
        date_analyse=date.date() if isinstance(date, dt.datetime) else date if isinstance(date, dt.date) else None,
        mode_rfm=str(v["P_Mode"]).strip().lower(), seuils_r=tuple(int(x) for x in th["R"]),
        seuils_f=tuple(int(x) for x in th["F"]), seuils_m=tuple(float(x) for x in th["M"]),
        regles_segments=tuple(rules) or DEFAULT_RULES, methode_pmg=str(v["P_Methode"]).strip().lower(),
        pmg_gros_pct=float(v["P_Gros"]), pmg_moyens_pct=float(v["P_Moyens"]), pmg_gros_part_ca=float(v["P_GrosCA"]),
        pmg_moyens_part_ca=float(v["P_MoyensCA"]), seuil_regroupement_secteurs=float(v["P_SeuilSecteurs"]),
        croissance_potentiel=float(v["P_Croissance"]), seuil_petit_segment=float(v["P_PetitSegment"]),
        secteurs_prioritaires=priority_sectors,
    )


@dataclass
class Readback:
    """What a recalculated formula template holds: inputs, cached outputs, settings."""

    clients: object  # DataFrame of the client input columns (Excel row numbers as index)
    invoices: object | None  # DataFrame of the invoice input columns, or None when « Factures » is empty
    outputs: object  # DataFrame of the 11 output columns' cached values (same index as clients)
    settings: Settings
    settings_source: str  # « Source des achats » of « Paramètres »
    analysis_date: dt.date | None  # the date the formulas used (cached), None if never calculated
    synthese: dict  # (dimension, label) → cached client count


def read_back(path: Path | str) -> Readback:
    import pandas as pd
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True, read_only=False)
    settings = read_settings(wb)
    ws = wb["Clients"]
    rows = list(ws.iter_rows(min_row=2, max_col=len(CLIENT_HEADERS), values_only=True))
    frame = pd.DataFrame(rows, columns=CLIENT_HEADERS, index=range(2, 2 + len(rows)))
    inputs = [c[0] for c in CLIENT_INPUTS]
    present = frame[inputs[:-1]].map(lambda v: not _empty_in_excel(v)).any(axis=1)
    frame = frame[present]
    invoice_sheet = wb["Factures"]
    lines = list(invoice_sheet.iter_rows(min_row=2, max_col=len(INVOICE_INPUTS), values_only=True))
    invoice_inputs = pd.DataFrame(lines, columns=[c[0] for c in INVOICE_INPUTS], index=range(2, 2 + len(lines)))
    invoice_inputs = invoice_inputs[invoice_inputs.map(lambda v: not _empty_in_excel(v)).any(axis=1)]
    cached = wb["Calculs"]["B3"].value
    syn = {}
    ws_s = wb["Synthèse"]
    for dim, (first, last) in synthese_layout().items():
        for r in range(first, last + 1):
            label = ws_s.cell(r, 1).value
            if label not in (None, ""):
                syn[(dim, label)] = ws_s.cell(r, 2).value
    date = (cached.date() if isinstance(cached, dt.datetime)
            else dt.date(1899, 12, 30) + dt.timedelta(days=int(serial_epoch_days(cached)))
            if isinstance(cached, (int, float)) else None)
    source = wb[PARAM_SHEET].cell(_PARAM_ROW0 + [p[0] for p in _PARAMS].index("P_Source"), 2).value
    return Readback(frame[inputs], invoice_inputs if len(invoice_inputs) else None, frame[list(SEGMENT_COLUMNS)],
                    settings, str(source or "automatique"), date, syn)


def _norm(v):
    """A cell's value as the comparison sees it: blank → None, 3.0 → 3, text stripped of nothing."""
    v = _plain(v)
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def compare(outputs, expected) -> list[tuple[object, str, object, object]]:
    """(row, column, formula value, Python value) of every cell where the two disagree."""
    diffs = []
    for col in SEGMENT_COLUMNS:
        got = outputs[col].tolist()
        want = expected[col].reindex(outputs.index).tolist()
        for row, a, b in zip(outputs.index, got, want):
            a, b = _norm(a), _norm(b)
            if col == "Code RFM" and b is not None:
                b = str(b)
                a = None if a is None else str(a)
            if a != b:
                diffs.append((row, col, a, b))
    return diffs


def is_formula_template_file(path: Path | str) -> bool:
    """True when the .xlsx at ``path`` is a formula template (the defined name, read without openpyxl)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return MARKER.encode() in zf.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def python_inputs(rb: Readback):
    """The client and invoice frames that give :func:`segment` the formulas' meaning.

    Rows whose « Source des achats » (or the global setting) is ``saisie`` take
    no invoice line, rows in ``factures`` mode ignore their typed purchases, and
    lines of codes absent from « Clients » are left out (the sheet cannot add
    rows; the Synthèse counts them). Returns ``(clients, invoices, n_absent_codes)``.
    """
    import pandas as pd

    clients = rb.clients.copy()
    glob = str(rb.settings_source or "automatique").strip().lower()
    mode = clients["Source des achats"].map(lambda v: glob if _empty_in_excel(v) else str(v).strip().lower())
    purchases = ["Date premier achat", "Date dernier achat", "Nombre commandes", "CA total"]
    clients.loc[mode == "factures", purchases] = None
    clients = clients.drop(columns=["Source des achats"])
    invoice_inputs = rb.invoices
    absent = 0
    if invoice_inputs is not None:
        key = lambda s: s.map(lambda v: None if _empty_in_excel(v) else str(_norm(v)).strip().upper())  # noqa: E731
        codes = key(clients["Code client"])
        typed_only = set(codes[mode == "saisie"].dropna())
        known = set(codes.dropna())
        ikey = key(invoice_inputs["Code client"])
        absent = len(set(ikey.dropna()) - known)
        invoice_inputs = invoice_inputs[ikey.isna() | (ikey.isin(known) & ~ikey.isin(typed_only))]
        if glob == "saisie" and (mode == "saisie").all():
            invoice_inputs = None
    return clients, invoice_inputs if invoice_inputs is None or len(invoice_inputs) else None, absent


@dataclass
class Check:
    """Formulas against Python on one filled template."""

    result: object  # SegmentationResult
    rows: int
    diffs: list  # (row, column, formula value, Python value)
    calculated: bool  # False when the file holds no cached values (never opened in a spreadsheet)
    unsorted: bool
    absent_codes: int

    def sentence(self) -> str:
        if not self.calculated:
            return ("Ce classeur se segmente lui-même par formules, mais il n'a pas encore été calculé : ouvrez-le "
                    "dans Excel ou LibreOffice et enregistrez-le, puis relancez pour vérifier les résultats.")
        if self.unsorted:
            return ("Ce classeur se segmente lui-même par formules, mais la feuille « Factures » n'est pas triée : "
                    "triez-la par Code client, puis N° facture, puis Date.")
        head = ("Ce classeur se segmente lui-même par formules : aucune formule n'a été remplacée, rien n'a été "
                "enregistré. ")
        if not self.diffs:
            return head + f"Vérification par Python : les {self.rows} clients ont les mêmes 11 colonnes."
        rows = sorted({d[0] for d in self.diffs})
        row, col, got, want = self.diffs[0]
        return head + (f"Vérification par Python : {len(rows)} client(s) sur {self.rows} diffèrent, par exemple "
                       f"ligne {row}, « {col} » : formule « {got} », Python « {want} ».")


def python_check(path: Path | str, today: dt.date | None = None) -> Check:
    """Recompute a filled (and recalculated) template with :func:`segment` and compare cell by cell."""
    from ..pipeline import segment

    rb = read_back(path)
    if rb.clients.empty:
        from ..errors import InputDataError

        raise InputDataError(f"« {Path(path).name} » : la feuille « Clients » du modèle à formules est vide. "
                             "Collez vos clients sous les en-têtes (voir « Mode d'emploi »).")
    settings = rb.settings
    if settings.date_analyse is None:
        settings = settings.replace(date_analyse=rb.analysis_date or today or dt.date.today())
    clients, invoices, absent = python_inputs(rb)
    result = segment(clients=clients, invoices=invoices, settings=settings)
    calculated = rb.outputs["Segment RFM"].map(lambda v: not _empty_in_excel(v)).any()
    unsorted = bool((rb.outputs["Segment RFM"] == UNSORTED).any())
    diffs = compare(rb.outputs, result.output) if calculated and not unsorted else []
    return Check(result, len(rb.clients), diffs, bool(calculated), unsorted, absent)


def run_report(path: Path | str, analysis_date: dt.date | None = None):
    """What ``segmenter segmente`` does with a formula template: check it, write nothing (a RunReport)."""
    from .run_steps import RunReport

    check = python_check(path)
    notes = []
    if check.diffs or not check.calculated or check.unsorted:
        notes.append(check.sentence())
    if analysis_date is not None and analysis_date != check.result.analysis_date:
        notes.append(f"L'option --date ({analysis_date:%d/%m/%Y}) ne change pas les formules : la date d'analyse "
                     "de ce classeur se règle dans « Paramètres ».")
    if check.absent_codes:
        notes.append(f"{check.absent_codes} code(s) client de « Factures » sont absents de « Clients » : ajoutez-les "
                     "à « Clients » pour qu'ils soient segmentés.")
    check.result.warnings.insert(0, check.sentence())
    return RunReport(Path(path), Path(path), None, check.result, "Clients",
                     "Factures" if check.result.invoice_columns else None, warnings=notes)
