"""Placeholder until this area is built."""

from django.http import Http404


def okr_list(request, *args, **kwargs):
    raise Http404
