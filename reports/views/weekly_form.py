"""Placeholder until this area is built."""

from django.http import Http404


def edit_week(request, *args, **kwargs):
    raise Http404


def publish_week(request, *args, **kwargs):
    raise Http404


def unlock_week(request, *args, **kwargs):
    raise Http404
