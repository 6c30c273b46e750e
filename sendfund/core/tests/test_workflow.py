"""The one workflow engine's answers that need no database: who may make a move, what a page is offered, and
that a guard runs only when a page reads its answer (docs/adr/0062-one-workflow-engine.md)."""

from dataclasses import dataclass

import pytest

from sendfund.core.workflow import Move, Workflow, first_of


@dataclass
class Record:
    status: str
    cluster_id: int = 1


@dataclass(frozen=True)
class User:
    la_roles: frozenset = frozenset()
    cluster_roles: frozenset = frozenset()  # held in cluster 1


def _holds(user, roles, cluster_id):
    held = user.la_roles if cluster_id is None else (user.cluster_roles if cluster_id == 1 else frozenset())
    return bool(held & roles)


GUARD_CALLS = []


def _counted_guard(record):
    GUARD_CALLS.append(record)
    return "Finish it first."


TABLE = Workflow(Record, "thing", (
    Move("sent", "Send", frozenset({"draft"}), "waiting", frozenset({"writer"}), "Only a writer can send it",
         guard=_counted_guard, cluster_side=True),
    Move("sent_back", "Send back", frozenset({"waiting"}), "draft", frozenset({"head", "writer"}), cluster_side=True),
    Move("accepted", "Accept", frozenset({"waiting"}), "accepted", frozenset({"officer"})),
), _holds)

WRITER = User(cluster_roles=frozenset({"writer"}))
HEAD = User(cluster_roles=frozenset({"head"}))
OFFICER = User(la_roles=frozenset({"officer"}))


def test_a_page_is_offered_the_users_moves_from_the_records_status_in_the_tables_order():
    waiting = Record("waiting")
    assert list(TABLE.offered(waiting, OFFICER)) == ["accepted"]
    assert list(TABLE.offered(waiting, HEAD)) == ["sent_back"]
    assert list(TABLE.offered(waiting, WRITER)) == ["sent_back"]
    assert TABLE.offered(Record("waiting", cluster_id=2), WRITER) == {}  # another cluster's record
    assert list(TABLE.offered(Record("draft"), WRITER)) == ["sent"]


def test_a_guard_runs_only_when_the_page_reads_its_answer():
    GUARD_CALLS.clear()
    offer = TABLE.offered(Record("draft"), WRITER)["sent"]
    assert GUARD_CALLS == [] and offer.label == "Send"
    assert not offer.possible and offer.reason == "Finish it first."
    assert len(GUARD_CALLS) == 1  # asked once, then remembered


def test_may_make_asks_the_status_and_the_roles_and_a_narrower_set_of_roles_when_given():
    assert TABLE.may_make("sent_back", HEAD, Record("waiting"))
    assert not TABLE.may_make("sent_back", HEAD, Record("draft"))
    assert not TABLE.may_make("sent_back", HEAD, Record("waiting"), roles=frozenset({"writer"}))
    assert not TABLE.may_make("sent_back", HEAD, None)
    assert TABLE.holds(TABLE.by_name["accepted"], OFFICER, None)  # an LA move needs no record to ask
    assert TABLE.move_to(Record("waiting"), "draft").name == "sent_back"
    assert TABLE.move_to(Record("draft"), "accepted") is None


def test_a_move_without_its_own_refusal_says_which_role_is_missing():
    assert TABLE.by_name["sent"].refusal_words == "Only a writer can send it"
    assert TABLE.by_name["accepted"].refusal_words == "You do not have a role that may accept."


def test_guards_joined_give_the_first_reason():
    guard = first_of(lambda r: "", lambda r: "second", lambda r: "third")
    assert guard(None) == "second"
    assert first_of(lambda r: "")(None) == ""


def test_two_moves_with_one_name_are_refused():
    move = TABLE.by_name["accepted"]
    with pytest.raises(ValueError):
        Workflow(Record, "thing", (move, move), _holds)
