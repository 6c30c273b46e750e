"""Every audit verb is registered with the keys it must carry, and reads in plain English (issue 8)."""

import ast
import re
from pathlib import Path

import pytest

from sendfund.core.audit import AUDIT_VERBS, AuditPayloadMissing, audit_record
from sendfund.core.history import describers

ROOT = Path(__file__).resolve().parents[2]  # sendfund/


def _audit_calls() -> list[tuple[str, int, ast.expr]]:
    calls = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_record":
                verb = next((k.value for k in node.keywords if k.arg == "verb"), None)
                if verb is not None:
                    calls.append((str(path.relative_to(ROOT.parent)), node.lineno, verb))
    return calls


def _patterns(verb: ast.expr) -> list[re.Pattern]:
    """The verbs one call can write: a literal, an f-string (its holes match a word), or a choice of literals."""
    if isinstance(verb, ast.Constant):
        return [re.compile(re.escape(verb.value))]
    if isinstance(verb, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+" for v in verb.values]
        return [re.compile("".join(parts))]
    if isinstance(verb, ast.IfExp):
        return _patterns(verb.body) + _patterns(verb.orelse)
    raise AssertionError(f"An audit verb must be a literal or an f-string, not {ast.dump(verb)}")


def test_every_audit_record_call_writes_a_registered_verb():
    calls = _audit_calls()
    assert len(calls) > 25, "the walk found the code's audit_record calls"
    used = set()
    for where, line, verb in calls:
        if where.endswith("core/audit.py"):
            continue
        for pattern in _patterns(verb):
            matched = {v for v in AUDIT_VERBS if pattern.fullmatch(v)}
            assert matched, f"{where}:{line} writes {pattern.pattern}, which sendfund.core.audit.AUDIT_VERBS lacks"
            used |= matched
    unused = set(AUDIT_VERBS) - used
    assert not unused, f"registered verbs no code writes: {sorted(unused)}"


def test_every_registered_verb_reads_in_plain_english():
    missing = sorted(set(AUDIT_VERBS) - set(describers()))
    assert not missing, f"verbs without words in an app's history.py: {missing}"


@pytest.mark.django_db
def test_an_event_without_a_key_its_verb_must_carry_is_refused(world):
    from sendfund.core.models import AuditEvent

    before = AuditEvent.objects.count()
    with pytest.raises(AuditPayloadMissing, match="outcome, lines, reasons, conditions"):
        audit_record(actor=world.users["decision_maker"], verb="case.decide", target=world.cluster,
                     before={"status": "recommended"}, after={"status": "decided"})
    with pytest.raises(AuditPayloadMissing, match="in its before"):
        audit_record(actor=None, verb="case.assigned", target=world.cluster, after={
            "officer": None, "education_specialist": None, "business_specialist": None})
    assert AuditEvent.objects.count() == before
