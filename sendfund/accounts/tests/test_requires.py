"""The one permission mechanism (docs/adr/0061-one-shape-for-rules.md): `requires` asks about the user, loads
the record through the scoping rule, and asks about the record; no view asks inline."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from sendfund.accounts.decorators import requires


class _User:
    is_authenticated = True

    def __init__(self, name):
        self.name = name


def _load(user, pk, **_):
    if pk == 404:
        raise Http404("out of scope")
    return {"pk": pk, "owner": "ann"}


@requires(lambda user: user.name != "forum", load=_load, record=lambda user, obj: obj["owner"] == user.name)
def _view(request, record, pk):
    return HttpResponse(f"{record['pk']} for {request.user.name}")


def _get(user, pk):
    request = RequestFactory().get(f"/apply/things/{pk}/")
    request.user = user
    return _view(request, pk=pk)


def test_the_view_gets_the_record_it_may_use():
    assert _get(_User("ann"), 7).content == b"7 for ann"


def test_a_role_that_may_never_use_the_page_gets_403_before_anything_is_loaded():
    with pytest.raises(PermissionDenied):
        _get(_User("forum"), 404)  # 403, not the 404 the loader would give


def test_a_record_out_of_scope_is_404():
    with pytest.raises(Http404):
        _get(_User("ann"), 404)


def test_a_record_the_user_may_see_but_not_use_is_403():
    with pytest.raises(PermissionDenied):
        _get(_User("bob"), 7)


def test_a_signed_out_visitor_is_sent_to_sign_in():
    response = _get(AnonymousUser(), 7)
    assert response.status_code == 302 and "next=/apply/things/7/" in response["Location"]


def test_a_record_check_needs_a_loader():
    with pytest.raises(TypeError):
        requires(lambda user: True, record=lambda user, obj: True)


# Views that still ask inline, each with why the decorator cannot say it.
INLINE = {
    ("sendfund/monitoring/views.py", "manage_return"): "every reader sees the return; only an officer posts "
                                                       "the review form on the same page",
    ("sendfund/monitoring/health_views.py", "health_checks"): "the posted cluster must be one the user may start",
}


def _inline_checks(tree):
    """(function, line) for each `if not <call>: raise PermissionDenied` in a view module."""
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for node in ast.walk(fn):
            if (isinstance(node, ast.If) and isinstance(node.test, ast.UnaryOp | ast.Compare | ast.BoolOp)
                    and any(isinstance(s, ast.Raise) and "PermissionDenied" in ast.unparse(s) for s in node.body)):
                yield fn.name, node.lineno


def test_no_view_asks_a_permission_inline():
    found = []
    for path in sorted(p for p in Path(settings.BASE_DIR, "sendfund").rglob("*.py")
                       if "views" in p.name or p.parent.name == "views"):  # a views/ package too
        name = path.relative_to(settings.BASE_DIR).as_posix()
        for function, line in _inline_checks(ast.parse(path.read_text())):
            if (name, function) not in INLINE:
                found.append(f"{name}:{line} in {function}()")
    assert not found, "Ask through requires(check, load=..., record=...), not inline:\n" + "\n".join(found)


def test_the_scan_finds_an_inline_check():
    source = "def v(request, pk):\n    if not can_edit(request.user, x):\n        raise PermissionDenied\n"
    assert list(_inline_checks(ast.parse(source))) == [("v", 2)]


def _permission_flags(tree):
    """(line, key) for each page context entry whose value is a call of a `can_*` permission function: the
    template asks the same function with `{% can %}` instead."""
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Dict):
            pairs = [(k.value, v) for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)]
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".update"):
            pairs = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
        for key, value in pairs:
            if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                    and value.func.id.startswith("can_")):
                yield value.lineno, key


def test_no_view_passes_a_permission_flag_to_its_template():
    found = []
    for path in sorted(p for p in Path(settings.BASE_DIR, "sendfund").rglob("*.py")
                       if "views" in p.name or p.parent.name == "views"):
        name = path.relative_to(settings.BASE_DIR).as_posix()
        found += [f"{name}:{line} passes {key}" for line, key in _permission_flags(ast.parse(path.read_text()))]
    assert not found, "Ask in the template with {% can \"app.rule\" as name %}:\n" + "\n".join(found)


def test_the_scan_finds_a_permission_flag():
    source = ("def v(request):\n    return render(request, 't.html', {'may_issue': can_issue(request.user)})\n"
              "def w(request):\n    context.update(can_x=can_x(request.user))\n")
    assert sorted(key for _line, key in _permission_flags(ast.parse(source))) == ["can_x", "may_issue"]
