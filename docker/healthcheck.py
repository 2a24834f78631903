"""Docker HEALTHCHECK: GET /healthz on the local gunicorn, exit 0 only on HTTP 200.

The request carries a Host header taken from ALLOWED_HOSTS, since Django rejects any other host.
"""

import os
import sys
import urllib.request

hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request("http://127.0.0.1:8000/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:  # noqa: BLE001 - any failure means unhealthy; say why in `docker inspect`
    print(f"unhealthy: {error}")
    sys.exit(1)
