"""French value parsing, vectorised: dates, amounts, counts, postal codes, SIREN/SIRET.

Each parser takes a Series (index = row labels used in messages) and returns
``(values, issues)``. Values that cannot be read become missing and are
reported; nothing is guessed silently. One module per kind of value: dates,
amounts (and order counts), identifiers (postal codes, SIREN/SIRET); text holds
what they share (the spaces of a French file, the Arrow array behind a text column).
"""

from .amounts import parse_amounts, parse_counts
from .dates import (EXCEL_EPOCH, FIRST_DAY, FRENCH_MONTHS, LAST_DAY, NS_PER_DAY, as_nanoseconds, date_in_text,
                    day_series, days_between, epoch_days_serial, in_date_range, parse_dates, serial_epoch_days)
from .identifiers import parse_identifiers, parse_postal_codes
from .text import ID_SEPARATORS, OTHER_SPACES, PY_SPACES, SPACES, arrow_text, clean_text

__all__ = [
    "EXCEL_EPOCH",
    "FIRST_DAY",
    "FRENCH_MONTHS",
    "LAST_DAY",
    "ID_SEPARATORS",
    "OTHER_SPACES",
    "PY_SPACES",
    "SPACES",
    "arrow_text",
    "as_nanoseconds",
    "clean_text",
    "date_in_text",
    "days_between",
    "epoch_days_serial",
    "NS_PER_DAY",
    "day_series",
    "in_date_range",
    "parse_amounts",
    "parse_counts",
    "parse_dates",
    "parse_identifiers",
    "parse_postal_codes",
    "serial_epoch_days",
]
