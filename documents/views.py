"""Placeholder until this area is built."""

from django.http import Http404


def team_week_markdown(request, *args, **kwargs):
    raise Http404


def team_week_print(request, *args, **kwargs):
    raise Http404


def department_document(request, *args, **kwargs):
    raise Http404


def department_markdown(request, *args, **kwargs):
    raise Http404


def import_report(request, *args, **kwargs):
    raise Http404
