"""Filters and tags every template may use without {% load %}: money, labelled years, error summary
links, scroll regions for wide tables."""

import re
from html import unescape

from django import forms, template
from django.utils.html import format_html_join, strip_tags
from django.utils.safestring import mark_safe

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


def error_target(bound_field) -> str:
    """The id of the first input of a field as crispy-forms-gds renders it: the first checkbox or
    radio of a group (`id_<name>_1`), the day box of a date (`id_<name>_0`), else the input itself.
    An error summary link to it moves focus there (WCAG 3.3.1, 2.4.3)."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label


@register.filter
def error_links(form):
    """(target id, message) for every error of a bound form, in the order of its fields; errors of
    the whole form point at its first field. Used by the error summary every form renders."""
    fields = form.visible_fields()
    first = error_target(fields[0]) if fields else ""
    links = [(first, str(e)) for e in form.non_field_errors()]
    if any(hidden.errors for hidden in form.hidden_fields()):  # only a changed or out-of-date page sends these
        links.append((first, "Part of the form could not be read. Reload the page and try again"))
    for field in fields:
        subfields = getattr(field.field, "fields", ())
        seen = []
        for index, subfield in enumerate(subfields):  # a date's day, month and year boxes
            for error in getattr(subfield.widget, "errors", []):
                links.append((f"{field.auto_id}_{index}", str(error)))
                seen.append(error)
        links.extend((error_target(field), str(e)) for e in field.errors if e not in seen)
    return links


_CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist, self.label = nodelist, label

    def render(self, context):
        content = self.nodelist.render(context)
        label = self.label.resolve(context) if self.label else ""
        if not label and (caption := _CAPTION.search(content)):
            label = " ".join(unescape(strip_tags(caption.group(1))).split())
        partial = context.template.engine.get_template("components/scroll_region.html")
        return partial.render(context.new({"label": label or "Table", "content": mark_safe(content)}))


@register.simple_tag
def select_options(choices, selected):
    """The <option> elements of a filter's select: one per (value, label) in `choices`, the one equal to
    `selected` marked selected. Built in one pass rather than a template loop, so a long list (a council's
    rounds over the years) costs microseconds per option, not a template node each."""
    return format_html_join("", "<option value=\"{}\"{}>{}</option>",
                            ((value, mark_safe(" selected") if value == selected else "", label)
                             for value, label in choices))


@register.tag
def scroll_region(parser, token):
    """{% scroll_region ["label"] %}<table>…</table>{% endscroll_region %}: a wide table in a box that
    scrolls sideways on its own, so the page reflows at 320 CSS px (WCAG 1.4.10). The box is a
    labelled region a keyboard user can focus and scroll; its label is the table's caption unless
    one is given."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("scroll_region takes at most one argument, its label")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, parser.compile_filter(bits[1]) if len(bits) == 2 else None)


@register.inclusion_tag("components/downloads.html", takes_context=True)
def download_links(context, url_name, *args):
    """{% download_links "app:list-download" [args] %}: CSV and Excel links for what the list page shows, with
    its filters (every page of the filtered list, not just this one). See core.downloads.list_paths."""
    from django.urls import reverse

    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query:
        query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return {"links": [(reverse(url_name, args=[*args, fmt]) + suffix, label)
                      for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"))]}
