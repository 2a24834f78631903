"""Placeholder until this area is built."""

from django.http import Http404


def incident_create(request, *args, **kwargs):
    raise Http404
