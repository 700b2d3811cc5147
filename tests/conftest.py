"""Shared fixtures and the LibreOffice rule.

Tests marked ``libreoffice`` skip when ``soffice`` is missing, unless
``REQUIRE_LIBREOFFICE=1`` (set by ``.ci/run``): then a missing LibreOffice is a
failure, so CI can never go green by silently skipping them.
"""

from __future__ import annotations

import os
import shutil

import pytest


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pytest_runtest_setup(item):
    if "libreoffice" in item.keywords and soffice_path() is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("REQUIRE_LIBREOFFICE=1 mais soffice est introuvable : installez libreoffice-calc-nogui.")
        pytest.skip("LibreOffice (soffice) absent")


@pytest.fixture
def soffice() -> str:
    """Path of the LibreOffice binary; use with ``@pytest.mark.libreoffice``."""
    path = soffice_path()
    assert path is not None  # pytest_runtest_setup skipped or failed already
    return path
