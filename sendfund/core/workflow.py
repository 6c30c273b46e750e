"""The one workflow engine: a record moves between statuses by named moves (docs/adr/0062-one-workflow-engine.md).

An application, a monitoring return and a Health Check each have a status that changes only by a move in its
table (house rule 2). A move has a name (the audit verb's second part), a label (the button's words), the
statuses it starts from (`sources`), the one it ends in (`target`), the roles that may make it (LA roles, or
with `cluster_side` roles held in the record's own cluster), the words for someone without one of them
(`refusal`), a `guard` (why it cannot happen now, or ""), a field it sets to now (`stamp`), the other fields it
sets (`records`), whom it tells (`notify`) and what its audit event carries besides the status (`content`).

A `Workflow` is a table and what it needs to run it: the model, the audit verb's prefix, and how to ask who
holds a role (core is the lowest layer, so it cannot ask `sendfund.accounts` itself; each app passes
`accounts.permissions.holds_role`). Its `transition` is the one place that writes those statuses
(tests/test_status_assignments.py): lock the row, find the move, check who makes it, run the guard, set the
status, stamp and records, save, audit with `audit_record` and queue the move's emails, in one transaction.
`offered` gives a page the moves a user may make from the record's status, each with its guard's answer, so
templates show buttons from the table and never compare a status.

Casework keeps its own `case_transition` (`sendfund/casework/workflow.py`): its moves also run effects on the
ledger, return to the state a case was in before it was sent to the cluster, and read their content before
and after.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .audit import audit_record
from .errors import DomainError

Guard = Callable[[Any], str]  # (record) -> why the move cannot happen now, or ""
HoldsRole = Callable[[Any, frozenset, int | None], bool]  # (user, roles, cluster id or None for LA roles) -> bool


def nothing(record: Any) -> str:
    """The guard of a move that may always happen once its source and roles allow it."""
    return ""


def first_of(*guards: Guard) -> Guard:
    """One guard from several: the first reason any of them gives, in order ("" when none does)."""
    def guard(record: Any) -> str:
        return next((problem for problem in (g(record) for g in guards) if problem), "")
    return guard


@dataclass(frozen=True)
class Move:
    name: str  # the audit verb's second part: "<prefix>.<name>"
    label: str  # the button a user presses
    sources: frozenset  # the statuses it starts from
    target: str  # the status it ends in
    roles: frozenset  # who may make it: LA roles, or (cluster_side) roles held in the record's own cluster
    refusal: str = ""  # shown to an actor without one of `roles`; "" for "You do not have a role that may ..."
    guard: Guard = nothing
    cluster_side: bool = False
    stamp: str = ""  # a field of the record set to now
    records: Callable[[Any, Any, str], dict] | None = None  # (record, actor, note) -> fields it sets
    notify: Callable[[Any, Any, str], None] | None = None  # (record, actor, note): queues emails, in the transaction
    content: Callable[[Any, str], dict] | None = None  # (record after the move, note) -> what the audit event's
    # `after` carries besides the status

    @property
    def refusal_words(self) -> str:
        return self.refusal or f"You do not have a role that may {self.label.lower()}."


@dataclass(frozen=True)
class Offer:
    """A move a user may make from the record's status. Its guard runs only when `reason` or `possible` is
    asked, so a page that shows only which moves exist pays nothing for the guards."""

    move: Move
    record: Any = field(repr=False)

    @cached_property
    def reason(self) -> str:
        """Why it cannot be made now ("" when it can)."""
        return self.move.guard(self.record)

    @property
    def possible(self) -> bool:
        return not self.reason

    @property
    def label(self) -> str:
        return self.move.label


def _not_now(record: Any, to: str) -> str:
    return f"This cannot be done now: it is {record.get_status_display().lower()}."


@dataclass(frozen=True)
class Workflow:
    """A transition table and what it needs to run: the model whose `status` it changes, the audit verbs'
    prefix ("return" gives "return.submitted"), the moves in the order pages offer them, and `holds_role`."""

    model: type[models.Model]
    prefix: str
    moves: tuple[Move, ...]
    holds_role: HoldsRole
    not_now: Callable[[Any, str], str] = _not_now  # (record, the status asked for) -> why not from here
    label: Callable[[Any], str] = str  # the audit event's label for the record
    related: tuple[str, ...] = ()  # loaded with the locked row, for guards, records and emails

    def __post_init__(self) -> None:
        names = [m.name for m in self.moves]
        if len(set(names)) != len(names):
            raise ValueError(f"Two moves of the {self.prefix} workflow have the same name")

    @cached_property
    def by_name(self) -> dict[str, Move]:
        """The moves by name."""
        return {m.name: m for m in self.moves}

    def move_to(self, record: Any, to: str) -> Move | None:
        """The move from the record's status to `to`, if the table has one."""
        return next((m for m in self.moves if record.status in m.sources and m.target == to), None)

    def holds(self, move: Move, user: Any, record: Any, *, roles: Iterable | None = None) -> bool:
        """Whether the user holds one of the move's roles (or of `roles`, a narrower set): an LA role, or for a
        cluster-side move a role in the record's own cluster (never, without a record). The record's status is not
        asked."""
        wanted = frozenset(roles if roles is not None else move.roles)
        if move.cluster_side:
            return record is not None and self.holds_role(user, wanted, record.cluster_id)
        return self.holds_role(user, wanted, None)

    def may_make(self, name: str, user: Any, record: Any, *, roles: Iterable | None = None) -> bool:
        """Whether the move called `name` starts from the record's status and the user may make it (`holds`)."""
        move = self.by_name[name]
        return record is not None and record.status in move.sources and self.holds(move, user, record, roles=roles)

    def offered(self, record: Any, user: Any, *, cluster_side_only: bool = False) -> dict[str, Offer]:
        """The moves the user may make from the record's status, by name in the table's order, each an Offer
        with its guard's answer (asked only when read). With `cluster_side_only`, only moves a cluster makes: a
        cluster's own pages never offer the council's moves, even to someone who also holds an LA role. Runs no
        query but the user's roles."""
        return {m.name: Offer(m, record) for m in self.moves
                if record.status in m.sources and (m.cluster_side or not cluster_side_only)
                and self.holds(m, user, record)}

    @transaction.atomic
    def transition(self, *, record: Any, to: str, actor: Any, note: str = "") -> Any:
        """Make the move from the record's status to `to`: lock its row, check who makes it, run its guard,
        set the status, its stamp and what it records, save, write the audit event "<prefix>.<move>" (status
        before and after, and the move's content after) and queue its emails, in one transaction.

        Returns the locked, saved record. Raises DomainError, in words for the user, when the table has no move
        from the record's status to `to` (`not_now`), the actor holds none of its roles (`refusal`) or its
        guard says why not now."""
        # A model with a `status` field: Django's types cannot say which fields a model has.
        locked: Any = (self.model._default_manager.select_for_update(of=("self",)).select_related(*self.related)
                       .get(pk=record.pk))
        before = locked.status
        move = self.move_to(locked, to)
        if move is None:
            raise DomainError(self.not_now(locked, to))
        if not self.holds(move, actor, locked):
            raise DomainError(move.refusal_words)
        problem = move.guard(locked)
        if problem:
            raise DomainError(problem)
        locked.status = move.target
        fields = ["status"]
        if any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
            fields.append("updated_at")
        if move.stamp:
            setattr(locked, move.stamp, timezone.now())
            fields.append(move.stamp)
        for name, value in (move.records(locked, actor, note) if move.records else {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.save(update_fields=fields)
        audit_record(actor=actor, verb=f"{self.prefix}.{move.name}", target=locked, label=self.label(locked),
                     before={"status": before},
                     after={"status": move.target, **(move.content(locked, note) if move.content else {})})
        if move.notify is not None:
            move.notify(locked, actor, note)
        return locked
