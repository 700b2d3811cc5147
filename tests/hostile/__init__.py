"""Hostile-input suite (issue 14): inputs made in each test, outputs checked cell by cell.

Shared helpers are in :mod:`hostile.helpers`; fixtures in ``conftest.py``.
"""
