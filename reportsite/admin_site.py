"""The admin site: Django's, with every model admin refusing ids and filter values no row can have.

Found by hostile input, each a 500 in Django's or django-simple-history's own views: an action's
`_selected_action` that is not an id ("abc", a NUL) went straight into `pk__in`; a history page at
`/admin/…/abc/history/` looked the id up without checking it; a NUL in a choice filter
(`?status__exact=%00`) reached PostgreSQL; an id past 64 bits or a date at the calendar's edge
overflowed on SQLite. Added at registration, so every admin has the guard,
Django's own User and Group included, without each admin.py having to remember it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

MAX_INT = 2**63 - 1


def _is_id(field, value) -> bool:
    try:
        value = field.to_python(value)
    except (ValidationError, ValueError):
        return False
    # SQLite's integers stop at 64 bits, and an id past them raised OverflowError in the query.
    return not isinstance(value, int) or abs(value) <= MAX_INT


class RefusesImpossibleIds:
    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        if not all(_is_id(pk, value) for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            self.message_user(
                request, _("The selection names rows that do not exist; nothing was changed."), messages.ERROR
            )
            # None: the changelist reloads with the message, as after an action that did nothing.
            return None
        return super().response_action(request, queryset)

    def get_changelist_instance(self, request):
        # The changelist answers this error with its own "invalid filter" redirect (?e=1).
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            raise IncorrectLookupParameters
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            # Counting the rows is the first query; a date filter at the calendar's edge
            # (?started_at__gte=0001-01-01) overflows there when SQLite converts it to UTC.
            raise IncorrectLookupParameters from error

    def history_view(self, request, object_id, *args, **kwargs):
        if not _is_id(self.model._meta.pk, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, *args, **kwargs)

    def history_form_view(self, request, object_id, version_id, *args, **kwargs):
        history_id = self.model.history.model._meta.pk
        if not (_is_id(self.model._meta.pk, unquote(object_id)) and _is_id(history_id, version_id)):
            raise Http404
        return super().history_form_view(request, object_id, version_id, *args, **kwargs)


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, RefusesImpossibleIds):
            admin_class = type(
                admin_class.__name__,
                (RefusesImpossibleIds, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(DjangoAdminConfig):
    default_site = "reportsite.admin_site.AdminSite"
