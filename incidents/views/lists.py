"""Placeholder until this area is built."""

from django.http import Http404


def incident_list(request, *args, **kwargs):
    raise Http404


def incident_detail(request, *args, **kwargs):
    raise Http404
