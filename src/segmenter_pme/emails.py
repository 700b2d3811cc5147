"""What makes an e-mail address usable: one rule for the audit and the e-mailing lists."""

from __future__ import annotations

import pandas as pd

#: one address, local part and domain as RFC 5322 « dot-atom » (no quoted forms, no comments)
EMAIL_PATTERN = (r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                 r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}")


def usable_emails(values: pd.Series) -> pd.Series:
    """Each value's address, stripped, when it is one well-formed address; ``""`` otherwise.

    Input: any Series (missing values, numbers…); output: str Series, same index.
    """
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return text.where(text.str.fullmatch(EMAIL_PATTERN), "")
