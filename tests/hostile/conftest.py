"""Fixtures of the hostile-input suite; the helpers themselves are in :mod:`hostile.helpers`."""

from __future__ import annotations

import pytest

from .helpers import LibreOffice


@pytest.fixture
def lo(soffice, tmp_path) -> LibreOffice:
    """LibreOffice with a private profile under ``tmp_path``; use with ``@pytest.mark.libreoffice``."""
    return LibreOffice(soffice, tmp_path / ".lo-profile")
