"""Building, checking and installing the Excel add-in ``segmenter.xlam`` (works on Linux).

* :mod:`.ovba` / :mod:`.cfb` — source-only ``vbaProject.bin`` (MS-OVBA in MS-CFB);
* :mod:`.build` — the ``.xlam`` package, byte-identical on every rebuild;
* :mod:`.install` — ``segmenter complement installe | desinstalle | etat``;
* :mod:`.prerequisites` — what the installation needs on this machine, checked before and after it.

The LibreOffice headless check (``tests/support/lo_probe.py``) lives with the tests.
"""
