"""Template tags of the incident pages and the dashboards' incident summaries."""

from django import template

from incidents.table_html import incident_rows as write_rows

register = template.Library()


@register.simple_tag
def incident_rows(incidents, show_team=False):
    """The incident table's body rows (incidents/table_html.py)."""
    return write_rows(incidents, bool(show_team))
