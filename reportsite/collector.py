"""The garbage collector as a server worker wants it once its start-up is done.

Start-up leaves ~130,000 long-lived objects (Django, the apps, the URL and template machinery) that no
request frees, and the collector's oldest generation walked all of them every few requests: on the
overview built from nothing at scale 100 that was 12–18 ms a request, amortised, of ~26 ms spent
collecting (bench/FINDINGS.md §8g, §21). Frozen, they are never walked again. A request that ranks a
department's week allocates ~200,000 objects, nearly all freed by their reference counts; with the
default young threshold (700) it still ran ~30 young and ~3 middle collections over them, and with
YOUNG_THRESHOLD it runs one (collecting 16 → 9 ms a request). Cycles are still collected, a little later.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000


def settle_after_start_up() -> None:
    """Collect start-up's garbage, keep the rest out of every later collection, and collect less often.

    gunicorn calls it in each worker after loading the app (gunicorn.conf.py); the benchmark calls it
    before its first request, so its in-process times are the worker's.
    """
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
