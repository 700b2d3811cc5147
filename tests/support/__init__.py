"""Test-only code kept out of the wheel: the fake xlwings, the LibreOffice probe, the labelled duplicates set.

Importable as ``support`` from the tests (pytest puts ``tests/`` on ``sys.path``) and from
``benchmarks/`` scripts, which add ``tests/`` to ``sys.path`` themselves.
"""
