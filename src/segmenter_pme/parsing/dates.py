"""French dates read, vectorised: datetime cells, Excel serial numbers, and text (``31/12/2025``,
ISO, « 5 nov. 2025 »); :func:`date_in_text` finds the date written in a title.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from ..problems import ERROR, ROWS_NAMED, Issue, value_issues
from .text import arrow_text

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: the first and last whole days pandas' dates (datetime64[ns]) hold, 22/09/1677 and 11/04/2262: a date
#: outside, from any source (text, date cell, serial), would wrap round to a wrong date; it is unreadable
FIRST_DAY = np.datetime64(pd.Timestamp.min.ceil("D").date(), "D")
LAST_DAY = np.datetime64(pd.Timestamp.max.floor("D").date(), "D")
_MAX_SERIAL = int((LAST_DAY - np.datetime64(EXCEL_EPOCH.date(), "D")) // np.timedelta64(1, "D"))
_NAT = np.iinfo(np.int64).min
_FIRST_NS = int(FIRST_DAY.astype("datetime64[ns]").view("int64"))
_FIRST_YEAR, _LAST_YEAR = FIRST_DAY.astype(object).year, LAST_DAY.astype(object).year
_OUT_OF_RANGE = (f"La date « {{value}} » est hors des dates que l'analyse sait lire (du "
                 f"{FIRST_DAY.astype(object):%d/%m/%Y} au {LAST_DAY.astype(object):%d/%m/%Y}) : "
                 "vérifiez l'année, au format JJ/MM/AAAA.")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$")
_SERIAL_TEXT = re.compile(r"^\d{4,6}(?:[.,]\d+)?$")
#: French month names and their usual abbreviations (« nov. », « févr. », « sept. »), accents optional
FRENCH_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "aou": 8, "septembre": 9, "sept": 9,
    "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)\.?,?\s+)?"
_LONG_BODY = r"(\d{1,2})(?:er)?\s+([a-zA-Zéèûô]{3,9})\.?\s+(\d{4})"
#: « 5 novembre 2025 », « 5 nov. 2025 », « mercredi 1er octobre 2025 »
_LONG = re.compile(r"^" + _WEEKDAY + _LONG_BODY + r"$", re.IGNORECASE)


def _usual_text_dates(data) -> tuple[np.ndarray, np.ndarray]:
    """Dates of the text values in the usual form ``JJ/MM/AAAA``.

    Returns ``(datetime64[ns] values, read)``; values not read (other forms,
    impossible days, years outside 1700–2199) are left to the careful parser.
    An export repeats a few thousand days over its lines: each distinct text is
    read once (Arrow's dictionary encoding), from its bytes. 1 M values
    (``benchmarks/bench_parsing.py``): 8.5 s through the careful parser alone;
    Arrow's strptime with a regex test and a month check 0.185 s, 3.0 × the
    bare strptime; this way about half the bare strptime.
    """
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(data)
    values, read = _dates_from_bytes(encoded.dictionary)
    codes = encoded.indices
    if not len(values):  # no text at all
        return np.full(len(data), np.datetime64("NaT"), dtype="datetime64[ns]"), np.zeros(len(data), dtype=bool)
    if codes.null_count:
        valid = codes.is_valid().to_numpy(zero_copy_only=False)
        codes = pc.fill_null(codes, 0).to_numpy(zero_copy_only=False)
        return values[codes], read[codes] & valid
    codes = codes.to_numpy(zero_copy_only=False)
    return values[codes], read[codes]


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _dates_from_bytes(data) -> tuple[np.ndarray, np.ndarray]:
    """``JJ/MM/AAAA`` texts of an Arrow string array read from their bytes: (datetime64[ns], read)."""
    import pyarrow as pa

    if not pa.types.is_large_string(data.type):
        data = data.cast(pa.large_string())
    n = len(data)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    read = np.zeros(n, dtype=bool)
    buffers = data.buffers()
    if n == 0 or buffers[2] is None:
        return out, read
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[data.offset:data.offset + n + 1]
    text = np.frombuffer(buffers[2], dtype=np.uint8)
    usual = np.diff(offsets) == 10
    if data.null_count:
        usual &= data.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(usual)
    chars = text[offsets[rows][:, None] + np.arange(10)].astype(np.int64) - 48  # "0" is 48, "/" is -1
    digits = chars[:, [0, 1, 3, 4, 6, 7, 8, 9]]
    day = chars[:, 0] * 10 + chars[:, 1]
    month = chars[:, 3] * 10 + chars[:, 4]
    year = chars[:, 6] * 1000 + chars[:, 7] * 100 + chars[:, 8] * 10 + chars[:, 9]
    ok = ((chars[:, 2] == -1) & (chars[:, 5] == -1) & ((digits >= 0) & (digits <= 9)).all(axis=1)
          & (month >= 1) & (month <= 12) & (year >= 1700) & (year < 2200) & (day >= 1))
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= day <= _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))
    rows, day, month, year = rows[ok], day[ok], month[ok], year[ok]
    # days since 1970-01-01 (H. Hinnant's days_from_civil)
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146097 + year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year - 719468
    out[rows] = (days * 86_400_000_000_000).view("datetime64[ns]")
    read[rows] = True
    return out, read


NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min


def _nanoseconds(values) -> np.ndarray:
    if isinstance(values, (int, np.integer)):
        return np.asarray(values, dtype=np.int64)
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype="datetime64[ns]")
    return np.asarray(values, dtype="datetime64[ns]").view(np.int64)


def days_between(later, earlier) -> np.ndarray:
    """Whole days from ``earlier`` to ``later``, rounded down as ``Timedelta.days`` is, element-wise.

    Input: datetime64 arrays, Series, Timestamps or nanosecond integers (a scalar meets each element
    of an array). Output: float64 (NaN where either is missing). Counted in days: 15/03/1700 and
    31/12/2025 are 118 000 days apart, where their difference in nanoseconds passes int64's 292
    years — pandas then raises, numpy silently wraps round to another number.
    """
    a, b = _nanoseconds(later), _nanoseconds(earlier)
    if (a.ndim == 0) != (b.ndim == 0):
        return _days_from_one_date(a, b, a.ndim == 0)
    a, b = np.broadcast_arrays(a, b)
    days = (a // NS_PER_DAY - b // NS_PER_DAY) - (b % NS_PER_DAY > a % NS_PER_DAY)
    return np.where((a == _NAT) | (b == _NAT), np.nan, days.astype("float64"))


def _days_from_one_date(a: np.ndarray, b: np.ndarray, later_is_one: bool) -> np.ndarray:
    """days_between when one side is one date (an analysis date against the clients' last purchases):
    its day and time of day taken once, each of the many split by one divmod, in place — the same
    days as the broadcast formula, in fewer passes (7 M dates: 0,19 s → 0,10 s of CPU, median of 3 rounds)."""
    one, many = (a, b) if later_is_one else (b, a)
    day, time = divmod(int(one), NS_PER_DAY)
    days, times = np.divmod(many, NS_PER_DAY)
    if later_is_one:  # later − earlier, less a day when the earlier date's time of day is past the later's
        np.subtract(day, days, out=days)
        days -= times > time
    else:
        days -= day
        days -= time > times
    out = days.astype("float64")
    if int(one) == _NAT:
        out[:] = np.nan
    else:
        out[many == _NAT] = np.nan
    return out


def in_date_range(day: dt.date) -> bool:
    """True when ``day`` lies between :data:`FIRST_DAY` and :data:`LAST_DAY` (a date an analysis can hold)."""
    return FIRST_DAY <= np.datetime64(day, "D") <= LAST_DAY


def as_nanoseconds(values: np.ndarray, *, keep_time: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """datetime64 values of any unit (pandas reads a date cell or a text in microseconds) as
    datetime64[ns] days — with their time of day under ``keep_time`` — and the mask of those outside
    :data:`FIRST_DAY`–:data:`LAST_DAY`, which are NaT: numpy's cast would wrap them round silently.
    """
    values = np.asarray(values)
    if values.dtype == np.dtype("datetime64[ns]"):
        ns = values.view("int64")
        outside = (ns < _FIRST_NS) & (ns != _NAT)  # only part of 21/09/1677 fits: that day is out too
        if not outside.any():
            # dates without a time of day (the usual export): flooring would copy for nothing
            if keep_time or _is_midnight(values):
                return values, outside
            return values.astype("datetime64[D]").astype("datetime64[ns]"), outside
    days = values.astype("datetime64[D]")  # to a coarser unit: floors, never overflows
    outside = (days < FIRST_DAY) | (days > LAST_DAY)
    out = np.full(values.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    inside = ~outside
    if keep_time:
        # the last day ends at 23:47:16.854775807: a later time of that day is dropped, the day kept
        late = values > np.datetime64(pd.Timestamp.max.value, "ns").astype(values.dtype)
        values = np.where(late, days.astype(values.dtype), values)
    out[inside] = (values if keep_time else days)[inside].astype("datetime64[ns]")
    return out, outside


def day_series(dates: pd.Series) -> pd.Series:
    """A datetime Series of any unit (``pd.to_datetime``'s) as datetime64[ns] days, NaT outside
    :data:`FIRST_DAY`–:data:`LAST_DAY` (for readers that drop what they cannot read, as ``errors="coerce"``)."""
    local = dates.dt.tz_localize(None) if getattr(dates.dt, "tz", None) is not None else dates
    return pd.Series(as_nanoseconds(local.to_numpy())[0], index=dates.index, name=dates.name)


#: Excel's serial 60 is the 29/02/1900, a day that never was (a leap-year error of Lotus 1-2-3 that Excel
#: kept): serials 1 to 59 are 01/01/1900 to 28/02/1900, one day later than the count from 30/12/1899 that
#: holds from 61 (01/03/1900) on. The one rule of serials, read (:func:`serial_epoch_days`) and written
#: (:func:`epoch_days_serial`), as Excel shows them — LibreOffice shows serials under 61 a day earlier.
FICTITIOUS_SERIAL = 60

#: a workbook made on an old Mac counts its serials from 01/01/1904 (``<workbookPr date1904="1"/>``, openpyxl's
#: ``wb.epoch``): serial 0 is 01/01/1904, 1 462 days after :data:`EXCEL_EPOCH`, without the 29/02/1900. The
#: date system is the workbook's, one flag (``date1904``) read with it and given to every serial conversion,
#: read and written: a date written with the other system moves by four years on every run.
DATE1904_OFFSET = 1462


def serial_epoch_days(serials, date1904: bool = False):
    """Days from :data:`EXCEL_EPOCH` (30/12/1899) of Excel serial numbers, element-wise (fractions kept).
    1900 date system: serial 1 is 01/01/1900, two days after it; serial 60 (29/02/1900) has no day: callers
    refuse it (:func:`_serial_to_datetime`) or, as calamine and openpyxl, show it as 28/02/1900. 1904 date
    system (``date1904``): serial 0 is 01/01/1904 (:data:`DATE1904_OFFSET`)."""
    serials = np.asarray(serials, dtype="float64")
    if date1904:
        return serials + DATE1904_OFFSET
    return serials + ((serials >= 1) & (serials < FICTITIOUS_SERIAL))


def epoch_days_serial(days, date1904: bool = False):
    """The Excel serial of days from :data:`EXCEL_EPOCH`, element-wise, fractions kept — the reverse of
    :func:`serial_epoch_days`, as openpyxl writes a date: 01/01/1900 (2 days) is serial 1 in the 1900 date
    system, 01/01/1904 is serial 0 in the 1904 one (``date1904``)."""
    days = np.asarray(days, dtype="float64")
    if date1904:
        return days - DATE1904_OFFSET
    return days - ((days >= 1) & (days < FICTITIOUS_SERIAL + 1))


def _serial_to_datetime(values: np.ndarray) -> np.ndarray:
    days = np.floor(np.asarray(values, dtype="float64"))  # whole days: a time of day does not change a purchase date
    ok = (days >= 1) & (days <= _MAX_SERIAL) & (days != FICTITIOUS_SERIAL)
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    out[ok] = EXCEL_EPOCH.to_datetime64() + (serial_epoch_days(days[ok]).astype("int64") * np.timedelta64(1, "D"))
    return out


#: a year typed with two digits is read as Excel (and Windows) read it: 00 to 29 are 2000 to 2029, 30 to 99
#: are 1930 to 1999 — « 15/03/36 » is the 15/03/1936 in the cell Excel makes of it, so in the analysis
TWO_DIGIT_YEARS_FROM = 30
_TWO_DIGITS = ("L'année de la date « {value} » n'a que deux chiffres : elle est lue comme Excel la lit, le "
               "{detail}. Si c'est une autre année, saisissez la date avec l'année sur quatre chiffres (JJ/MM/AAAA).")


def full_year(years):
    """The year of a two-digit year (0 to 99), element-wise, by Excel's rule (:data:`TWO_DIGIT_YEARS_FROM`)."""
    return years + 1900 + 100 * (years < TWO_DIGIT_YEARS_FROM)  # arithmetic, so a missing year stays missing


#: a date cell before 01/03/1900 is named: the reading (calamine, as openpyxl) gives serials 59 and 60 alike as
#: 28/02/1900, and its raw number is not known once it is a date — finding it again would mean reading each
#: cell's XML for a date that no purchase has; so such a date is read as given and said, never silent
#: (the days serials 0 to 60 give: an earlier date comes from no Excel cell, a frame given to the API)
_FIRST_REAL_DAY = np.datetime64("1900-03-01", "ns")
_EXCEL_DAY_ZERO = np.datetime64("1899-12-30", "ns")
_EARLY_CELL = ("La cellule date « {value} » est d'avant le 01/03/1900 : c'est souvent un petit nombre saisi dans une "
               "colonne de dates (60 est même, pour Excel, le 29/02/1900, un jour qui n'a jamais existé, lu comme le "
               "28/02/1900). Saisissez la vraie date au format JJ/MM/AAAA.")


def _early_cells(dates: np.ndarray, cells: np.ndarray, values: pd.Series, sheet, column) -> list[Issue]:
    """Date cells (``cells``) read before 01/03/1900: a warning each (:data:`_EARLY_CELL`)."""
    early = cells & (dates < _FIRST_REAL_DAY) & (dates >= _EXCEL_DAY_ZERO)  # NaT compares False
    if not early.any():
        return []
    return value_issues("date_avant_1900", pd.Series(early, index=values.index), _day_text(values[early]),
                        sheet=sheet, column=column, message=_EARLY_CELL)


_SERIAL_UNREADABLE = "La valeur « {value} » n'est pas une date valide. Saisissez une date au format JJ/MM/AAAA."
_SERIAL_60 = ("La valeur « {value} » est, pour Excel, le 29/02/1900 : un jour qui n'a jamais existé. Saisissez la "
              "vraie date au format JJ/MM/AAAA.")


def _serial_issues(values: pd.Series, bad: pd.Series, sheet: str | None, column: str | None) -> list[Issue]:
    """The numbers of ``values`` that are no date (``bad``): serial 60 said as the day Excel invents."""
    as_float = pd.to_numeric(values.where(bad), errors="coerce")
    fictitious = bad & (np.floor(as_float) == FICTITIOUS_SERIAL)
    return (value_issues("date_illisible", fictitious, values, sheet=sheet, column=column, severity=ERROR,
                         message=_SERIAL_60)
            + value_issues("date_illisible", bad & ~fictitious, values, sheet=sheet, column=column, severity=ERROR,
                           message=_SERIAL_UNREADABLE))


def parse_dates(
    s: pd.Series, *, sheet: str | None = None, column: str | None = None, keep_time: bool = False
) -> tuple[pd.Series, list[Issue]]:
    """Dates from datetime cells, Excel serial numbers and French text.

    Accepts ``31/12/2025``, ``31-12-25``, ``31.12.2025 14:30``, ISO ``2025-12-31``
    and French long dates (``5 novembre 2025``, ``5 nov. 2025``, ``lundi 1er décembre 2025``).
    Output: datetime64[ns] (time of day dropped — except, with ``keep_time``,
    from cells that already are datetimes: a caller that drops it later, on
    fewer values, saves checking a million of them). Unreadable text is a
    ``date_illisible`` error, a day that does not exist (``31/02/2025``) a
    ``date_impossible`` error; so is, as ``date_illisible``, any date outside
    :data:`FIRST_DAY`–:data:`LAST_DAY` (``15/03/3024``), text or cell, never
    wrapped round to another date.
    """
    column = column or (str(s.name) if s.name is not None else None)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        local = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        given = local.to_numpy()
        values, outside = as_nanoseconds(given, keep_time=keep_time)
        out = local if values is given else pd.Series(values, index=s.index, name=s.name)
        early = _early_cells(values, np.ones(len(values), dtype=bool), s, sheet, column)
        if not outside.any():
            return out, early
        return out, early + value_issues("date_illisible", pd.Series(outside, index=s.index), _day_text(s[outside]),
                                         sheet=sheet, column=column, severity=ERROR, message=_OUT_OF_RANGE)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        out = pd.Series(_serial_to_datetime(s.to_numpy(dtype="float64", na_value=np.nan)), index=s.index)
        bad = s.notna() & out.isna()
        return out, _serial_issues(s, bad, sheet, column)
    data = arrow_text(s)
    if data is not None:
        fast, read = _usual_text_dates(data)
        if read.all():
            return pd.Series(fast, index=s.index, name=s.name), []
        if read.any():
            rest, issues = parse_dates(s[~read], sheet=sheet, column=column, keep_time=keep_time)
            fast[~read] = rest.to_numpy(dtype="datetime64[ns]")
            return pd.Series(fast, index=s.index, name=s.name), issues
    obj = s.astype(object)
    out = np.full(len(obj), np.datetime64("NaT"), dtype="datetime64[ns]")
    values = obj.to_numpy()
    kind = np.array([_kind(v) for v in values], dtype="U1")
    is_dt = kind == "d"
    out_of_range = np.zeros(len(obj), dtype=bool)
    if is_dt.any():
        cells = pd.to_datetime(pd.Series(values[is_dt]), errors="coerce")
        if _has_tz(values[is_dt]):
            cells = cells.dt.tz_localize(None)
        out[is_dt], out_of_range[is_dt] = as_nanoseconds(cells.to_numpy())
    is_num = kind == "n"
    if is_num.any():
        out[is_num] = _serial_to_datetime(values[is_num].astype("float64"))
    is_txt = kind == "s"
    impossible = np.zeros(len(obj), dtype=bool)
    if is_txt.any():
        txt = pd.Series(values[is_txt], dtype="string").str.strip()
        parts = txt.str.extract(_DMY)
        ymd = txt.str.extract(_YMD)
        # long dates are rare: only the text no numeric form reads is searched (a million cells stay fast)
        rest = parts[0].isna() & ymd[0].isna() & txt.str.contains(r"[a-zA-Z]", regex=True).fillna(False)
        long = txt[rest].str.extract(_LONG).reindex(txt.index) if rest.any() else \
            pd.DataFrame({0: pd.NA, 1: pd.NA, 2: pd.NA}, index=txt.index, dtype="string")
        long_month = long[1].str.lower().map(_month_number, na_action="ignore")
        day = pd.to_numeric(parts[0], errors="coerce").fillna(pd.to_numeric(ymd[2], errors="coerce")) \
            .fillna(pd.to_numeric(long[0], errors="coerce").where(long_month.notna()))
        month = pd.to_numeric(parts[1], errors="coerce").fillna(pd.to_numeric(ymd[1], errors="coerce")) \
            .fillna(pd.to_numeric(long_month, errors="coerce"))
        year = pd.to_numeric(parts[2], errors="coerce")
        short = (parts[2].str.len() == 2).fillna(False)  # « 0099 » is the year 99, not 2099
        year = year.where(~short, full_year(year))
        last_century = short & (year < 2000)
        year = year.fillna(pd.to_numeric(ymd[0], errors="coerce")) \
            .fillna(pd.to_numeric(long[2], errors="coerce").where(long_month.notna()))
        matched = year.notna() & month.notna() & day.notna()
        parsed = pd.to_datetime(
            pd.DataFrame({"year": year.where(matched, 2000), "month": month.where(matched, 1),
                          "day": day.where(matched, 1)}),
            errors="coerce",
        )
        parsed = parsed.where(matched)
        serial_txt = txt.str.match(_SERIAL_TEXT).fillna(False) & ~matched
        if serial_txt.any():
            serials = pd.to_numeric(txt[serial_txt].str.replace(",", ".", regex=False), errors="coerce")
            parsed[serial_txt] = _serial_to_datetime(serials.to_numpy())
        txt_dates, txt_outside = as_nanoseconds(parsed.to_numpy(dtype="datetime64[us]"))
        # a year no date holds (« 0000 », « 3024 »…) is out of range even where its day is also impossible
        txt_outside |= (matched & ~year.between(_FIRST_YEAR, _LAST_YEAR)).to_numpy()
        out[is_txt] = txt_dates
        out_of_range[is_txt] = txt_outside
        impossible[is_txt] = (matched & parsed.isna()).to_numpy() & ~txt_outside
    result = pd.Series(out, index=s.index)
    filled = kind != "e"
    unreadable = pd.Series(filled & ~impossible & ~out_of_range, index=s.index) & result.isna()
    issues = value_issues(
        "date_impossible", pd.Series(impossible, index=s.index), obj, sheet=sheet, column=column, severity=ERROR,
        message="La date « {value} » n'existe pas (jour ou mois impossible). Corrigez-la au format JJ/MM/AAAA.",
    )
    issues += value_issues("date_illisible", pd.Series(out_of_range, index=s.index), _day_text(obj[out_of_range]),
                           sheet=sheet, column=column, severity=ERROR, message=_OUT_OF_RANGE)
    issues += _early_cells(out, is_dt, obj, sheet, column)
    if is_txt.any():
        # a year of two digits read in the 1900s: perhaps not what the user meant, so said (a warning, read anyway)
        century = np.zeros(len(obj), dtype=bool)
        century[is_txt] = last_century.to_numpy() & ~np.isnat(txt_dates)
        # the day read, written out for the rows named only (a million of them took 1,3 s)
        read = pd.Series(out, index=s.index)[century].iloc[:ROWS_NAMED].dt.strftime("%d/%m/%Y")
        issues += value_issues("date_annee_deux_chiffres", pd.Series(century, index=s.index), obj, sheet=sheet,
                               column=column, message=_TWO_DIGITS, details=read)
    fictitious = np.zeros(len(obj), dtype=bool)
    if is_num.any():
        fictitious[is_num] = np.floor(values[is_num].astype("float64")) == FICTITIOUS_SERIAL
    fictitious = unreadable & fictitious
    issues += value_issues("date_illisible", fictitious, obj, sheet=sheet, column=column, severity=ERROR,
                           message=_SERIAL_60)
    issues += value_issues(
        "date_illisible", unreadable & ~fictitious, obj, sheet=sheet, column=column, severity=ERROR,
        message="La valeur « {value} » n'est pas une date lisible. Saisissez une date au format JJ/MM/AAAA.",
    )
    return result, issues


def _day_text(values: pd.Series) -> pd.Series:
    """Values as a message quotes them: a date cell as Excel shows it (JJ/MM/AAAA), a text as typed."""
    return values.map(lambda v: pd.Timestamp(v).strftime("%d/%m/%Y")
                      if isinstance(v, (dt.date, pd.Timestamp, np.datetime64)) else v)


def _month_number(name: str) -> int | None:
    """``"févr"`` → 2; None for a word that is no French month."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", name.lower()) if unicodedata.category(c) != "Mn")
    return FRENCH_MONTHS.get(plain)


_IN_TEXT = (
    re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)" + _LONG_BODY, re.IGNORECASE),
)


def date_in_text(value: object) -> dt.date | None:
    """The first date written in a title such as « Export clients du 30/06/2025 » or « … au 5 nov. 2025 ».

    A date or datetime cell is returned as a date; None when nothing reads as a real date an analysis
    can hold (:func:`in_date_range`).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if in_date_range(value) else None
    if not isinstance(value, str):
        return None
    for i, pattern in enumerate(_IN_TEXT):
        for m in pattern.finditer(value):
            a, b, c = m.groups()
            if i == 0:
                day, month, year = int(a), int(b), int(c)
            elif i == 1:
                year, month, day = int(a), int(b), int(c)
            else:
                day, month, year = int(a), _month_number(b), int(c)
                if month is None:
                    continue
            try:
                found = dt.date(year, month, day)
            except ValueError:
                continue
            if in_date_range(found):
                return found
    return None


def _is_midnight(values: np.ndarray) -> bool:
    """True when every datetime64[ns] value (NaT aside) is at 00:00."""
    ns = values.view("int64")
    off = ns % (86_400 * 10**9) != 0
    return not off.any() or not np.any(off & (ns != np.iinfo(np.int64).min))


def _has_tz(values: np.ndarray) -> bool:
    return any(getattr(v, "tzinfo", None) is not None for v in values)


def _kind(v: object) -> str:
    if v is None or v is pd.NaT:
        return "e"
    if isinstance(v, (dt.date, pd.Timestamp, np.datetime64)):
        return "d"
    if isinstance(v, bool):
        return "x"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return "e" if v != v else "n"
    if isinstance(v, str):
        return "s" if v.strip() else "e"
    return "x"
