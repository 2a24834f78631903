import os

from django.core.wsgi import get_wsgi_application

from reportsite.request_body import ChunkedBodies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
# A chunked request body reaches Django with its length (reportsite/request_body.py).
application = ChunkedBodies(get_wsgi_application())
