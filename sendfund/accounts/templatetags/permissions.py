"""`{% can "app.verb_object" obj as allowed %}`: the templates' one way to ask a permission function."""

from importlib import import_module

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, name: str, obj=None) -> bool:
    app, _, rule = name.partition(".")
    module = import_module(f"sendfund.{app}.permissions")
    return bool(getattr(module, f"can_{rule}")(context["request"].user, obj))
