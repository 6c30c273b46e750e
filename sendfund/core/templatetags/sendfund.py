"""Filters every template may use without {% load %}: money and labelled years."""

from django import template

from sendfund.core.money import format_pounds
from sendfund.core.numbers import format_number, format_percent
from sendfund.core.years import ay_label, fy_label

register = template.Library()


@register.filter
def pounds(value):
    """Decimal pounds as £1,234.56."""
    return format_pounds(value)


@register.filter
def pence_as_pounds(value):
    """Integer pence as £1,234.56."""
    return format_pounds(value, pence=True)


@register.filter
def fy(start_year):
    return fy_label(int(start_year))


@register.filter
def ay(start_year):
    return ay_label(int(start_year))


@register.filter
def percent(value, places=1):
    """A fraction as a percentage: 0.0185|percent:2 is 1.85%."""
    return format_percent(value, places)


@register.filter
def number(value):
    """A plain number as people write it: 30, 12.5, −3 (never 3E+1)."""
    return format_number(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def count(value):
    """A whole number with thousands separators: 119,933."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"
