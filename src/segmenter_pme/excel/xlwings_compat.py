"""The one place that knows how we import xlwings (BSD part only, never ``xlwings.pro``).

* :data:`PINNED_XLWINGS` is the version whose VBA module goes into the add-in:
  xlwings refuses to run when the VBA and Python sides differ.
* :func:`udf_decorators` gives the real ``xlfunc`` / ``xlarg`` / ``xlret`` of
  ``xlwings.udfs`` on every platform. On Windows that is what ``xlwings.func``
  is; elsewhere ``xlwings.func`` is a no-op, but building the add-in on Linux
  needs the ``__xlfunc__`` metadata those decorators record, so we import
  ``xlwings.udfs`` with the pywin32 modules it imports stubbed for the duration
  of the import only (nothing stays in ``sys.modules`` to mislead other code).
"""

from __future__ import annotations

import contextlib
import sys
import types
from typing import Any, Callable, Iterator

PINNED_XLWINGS = "0.37.8"

_PYWIN32 = ("pythoncom", "pywintypes", "win32com", "win32com.client", "win32api", "win32con")


@contextlib.contextmanager
def pywin32_stubbed() -> Iterator[None]:
    """Make ``import pythoncom, pywintypes, win32com.client`` succeed inside the block."""
    saved = {name: sys.modules.get(name) for name in _PYWIN32}
    missing = [name for name in _PYWIN32 if saved[name] is None]
    for name in missing:
        stub = types.ModuleType(name)
        stub.__dict__["__segmenter_stub__"] = True
        sys.modules[name] = stub
    if "pythoncom" in missing:
        sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    if "pywintypes" in missing:
        sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    if "win32com.client" in missing:
        client = sys.modules["win32com.client"]
        client.Dispatch = lambda *a, **k: None  # type: ignore[attr-defined]
        sys.modules["win32com"].client = client  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name in missing:
            sys.modules.pop(name, None)


def xlwings_udfs() -> types.ModuleType:
    """``xlwings.udfs`` (imported with pywin32 stubbed where it is absent)."""
    if "xlwings.udfs" in sys.modules:
        return sys.modules["xlwings.udfs"]
    with pywin32_stubbed():
        import xlwings.udfs as udfs
    return udfs


def _noop(*args: Any, **kwargs: Any) -> Callable:
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


def udf_decorators() -> tuple[Callable, Callable, Callable]:
    """``(func, arg, ret)`` decorators recording the UDF metadata xlwings uses."""
    try:
        udfs = xlwings_udfs()
    except ImportError:  # xlwings not installed: the functions stay plain Python
        return _noop, _noop, _noop
    return udfs.xlfunc, udfs.xlarg, udfs.xlret


def xlwings_version() -> str | None:
    try:
        import xlwings
    except ImportError:
        return None
    return xlwings.__version__
