"""Placeholder until this area is built."""

from django.http import Http404


def home(request, *args, **kwargs):
    raise Http404


def department_week(request, *args, **kwargs):
    raise Http404


def team_week(request, *args, **kwargs):
    raise Http404
