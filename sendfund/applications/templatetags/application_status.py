"""{% cluster_status application %}: the tag every cluster page shows for where an application is."""

from django import template
from django.utils.html import format_html

from sendfund.applications.status import status_for_cluster

register = template.Library()


@register.simple_tag
def cluster_status(application):
    words = status_for_cluster(application)
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', words.colour, words.text)
