"""gunicorn's settings for reportsite: the Docker image runs with them, and so does the benchmark.

Threaded workers (gthread): a CSV export of ten years of KPI values streams for minutes, and a sync
worker is killed once a single request outlasts `timeout`; a gthread worker's main thread goes on
answering the heartbeat while one of its threads streams.

One worker per CPU with two threads each measured best on 2 CPUs (bench/FINDINGS.md §5c). More
threads per worker only queue for the same interpreter lock: three workers of four threads served the
team week 15–27 % slower.
"""

import os

# The CPUs this process may run on (a container's cpuset, not the host's count). A CPU quota without a
# cpuset is not visible here: set WEB_CONCURRENCY to the quota then.
USABLE_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", USABLE_CPUS))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
accesslog = "-"


def post_worker_init(worker):
    """Settle the garbage collector once the worker has loaded the app (reportsite/collector.py): what
    start-up loaded is never walked again, and requests that allocate much are collected less often.
    The first render of the department overview measured 11 % faster with the freeze alone
    (bench/FINDINGS.md §8g)."""
    from reportsite.collector import settle_after_start_up

    settle_after_start_up()


# gunicorn acts on no proxy header itself. By default it believes any client on 127.0.0.1 about
# X-Forwarded-Proto (the request becomes https, whatever TRUST_X_FORWARDED_PROTO says) and about
# SCRIPT_NAME / PATH_INFO headers: `SCRIPT_NAME: /x` answered a 500, or prefixed every link of a page the
# page cache then kept for everyone. The app alone reads the proxy's headers, as its settings say
# (TRUST_X_FORWARDED_PROTO, TRUST_X_FORWARDED_FOR); FORWARDED_ALLOW_IPS in the environment is ignored.
forwarded_allow_ips = ""
