"""Only the transition functions change a workflow's status (issue 16, part 2; docs/adr/0061-one-shape-for-rules.md).

The rule, checked by parsing every module of sendfund/ (migrations and tests aside): a status is written
only inside the functions named in ALLOWED. Writing a status means any of

- assigning an attribute called `status` (`x.status = ...`, also in a tuple: `x.status, y = ...`);
- `setattr(x, "status", ...)`;
- a `status=` keyword to `.update()`, `.create()`, `.get_or_create()`, `.update_or_create()` or
  `.bulk_create()`, or to a model's constructor (a call of a capitalised name, except the HTTP responses
  and `Q`, whose `status` is not a record's).

Applications, monitoring returns and Health Checks change status only through the one workflow engine
(`sendfund.core.workflow.Workflow.transition`, docs/adr/0062-one-workflow-engine.md), cases only through
`case_transition`. A few records have a status that is no workflow (an email's delivery, a background
job's progress, an underspend's confirmation): their writers are listed too, each with why.
"""

import ast
from pathlib import Path

from django.conf import settings

ALLOWED = {
    # the workflows
    ("sendfund/core/workflow.py", "transition"): "applications, monitoring returns and Health Checks: the one "
                                                  "workflow engine, running each app's transition table",
    ("sendfund/casework/workflow.py", "case_transition"): "cases: casework's own engine (moves that resume a "
                                                          "state, run ledger effects, audit content before and after)",
    # statuses that are no workflow
    ("sendfund/core/notify.py", "notification_queue"): "an email with nobody to send it to is written unsent",
    ("sendfund/core/outbox.py", "outbox_claim"): "the outbox claims an email to send it",
    ("sendfund/core/outbox.py", "_sent"): "the outbox records an email as sent",
    ("sendfund/core/outbox.py", "notification_retry"): "an officer sends a failed email again",
    ("sendfund/core/outbox.py", "notification_readdress"): "an officer sends it to the cluster's people",
    ("sendfund/core/outbox.py", "outbox_hold_before"): "emails queued before a restore are held",
    ("sendfund/registry/tasks.py", "council_setup_run"): "a background job's progress",
    ("sendfund/monitoring/services.py", "underspend_confirm"): "the decision maker confirms an underspend",
}

WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}
NOT_RECORDS = {"Q", "HttpResponse", "JsonResponse", "FileResponse", "StreamingHttpResponse"}


def _model_names() -> set[str]:
    """The names of the project's models: `Name(status=...)` makes a record only when Name is one (a filter's
    dataclass with a `status` field, such as MoneyFilters, writes nothing)."""
    from django.apps import apps

    return {model.__name__ for model in apps.get_models()} - NOT_RECORDS


def _status_writes(tree: ast.AST):
    """(line, enclosing function's name or "<module>") for each status write in `tree`."""
    enclosing: dict[ast.AST, str] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                enclosing[node] = fn.name  # ast.walk is breadth first: the innermost function is written last
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple | ast.List) else [t])]
            if any(isinstance(e, ast.Attribute) and e.attr == "status" for e in flat):
                yield node.lineno, enclosing.get(node, "<module>")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "setattr" and len(node.args) > 1 and getattr(node.args[1], "value", None) == "status":
                yield node.lineno, enclosing.get(node, "<module>")
            elif (name in WRITES or name in _model_names()) and any(
                    k.arg == "status" for k in node.keywords):
                yield node.lineno, enclosing.get(node, "<module>")


def _modules():
    root = Path(settings.BASE_DIR)
    for path in sorted((root / "sendfund").rglob("*.py")):
        if {"migrations", "tests"} & set(path.parts):
            continue
        yield path.relative_to(root).as_posix(), path.read_text()


def test_nothing_outside_the_transition_functions_writes_a_status():
    found = [f"{path}:{line} in {function}()" for path, text in _modules()
             for line, function in _status_writes(ast.parse(text)) if (path, function) not in ALLOWED]
    assert not found, "A status is written outside the transition functions:\n" + "\n".join(found)


def test_every_allowed_writer_still_writes_a_status():
    """An entry left behind when its function moves would let the next writer of that name through."""
    writers = {(path, function) for path, text in _modules() for _line, function in _status_writes(ast.parse(text))}
    assert not set(ALLOWED) - writers, sorted(set(ALLOWED) - writers)


def test_the_scan_sees_each_way_of_writing_a_status():
    source = '''
def a(case):
    case.status = "x"
def b(case):
    case.status, case.note = "x", ""
def c(case):
    setattr(case, "status", "x")
def d():
    Case.objects.filter(pk=1).update(status="x")
def e():
    Case.objects.create(status="x")
def f():
    return Case(status="x")
def g():
    return HttpResponse(status=204), Case.objects.filter(status="x"), Q(status="x")
'''
    assert sorted(function for _line, function in _status_writes(ast.parse(source))) == list("abcdef")
