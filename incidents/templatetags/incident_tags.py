"""Template tags of the incident pages and the dashboards' incident summaries."""

from django import template

from common.rendered_rows import RenderedRows
from incidents.table_html import incident_rows as write_rows

register = template.Library()


@register.simple_tag
def incident_rows(incidents, show_team=False):
    """The incident table's body rows (incidents/table_html.py), or the overview's, kept as written."""
    if isinstance(incidents, RenderedRows):
        return incidents.html
    return write_rows(incidents, bool(show_team))
