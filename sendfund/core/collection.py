"""The collection engine: what an application, a monitoring return and a Health Check share.

To a cluster all three are the same thing (docs/adr/0032-one-collection-engine.md): a task list of
sections, each saved on every Continue with a version number so that two people never overwrite each
other unknowingly, a screen for anything that could identify a child, sign-off by the cluster's head or
host, then review by the council. This module holds the parts that do not depend on what is collected:

- `SectionSpec`: a section as data (key, title, group, form, whether it applies).
- `VersionedRow`: the abstract columns of a saved section (answers, completed, version, who and when),
  with `section_lock`, `version_check` and `version_bump` for the save-with-version rule, and
  `StaleSection` when a save carries an older version.
- `status_of`, `section_statuses` and `task_groups`: the task list's rows and their statuses (a section may wait
  for all the others, as an application's declarations do).
- `identity_findings`: the privacy screen over any answers, each finding with where to change it.
- `upload_store` and `upload_delete`: keeping an upload the one checker passed, and removing it.

Apps keep what is theirs: the models that hold money and dates in real columns, their forms, and the
rules each move checks. Their statuses move by transition tables run by the one workflow engine,
`sendfund/core/workflow.py` (docs/adr/0062-one-workflow-engine.md).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from .errors import DomainError

NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class SectionSpec:
    key: str  # also the URL slug
    title: str
    group: str
    form_class: type | None = None  # None for sections that are lists of items
    applies: Callable[[object], bool] = field(default=lambda record: True)
    labels: dict = field(default_factory=dict)  # field name -> question, for the check page
    after_others: bool = False  # cannot start until every other section is completed (the declarations)

    @property
    def is_list(self) -> bool:
        return self.form_class is None


class VersionedRow(models.Model):
    """A saved section: text answers (never money), completed or not, and a version for concurrent editing."""

    answers = models.JSONField(default=dict, blank=True, help_text="Text answers only; never money")
    completed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0, help_text="Goes up by one on every save")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        abstract = True


class StaleSection(DomainError):
    """Someone else saved the section after this user opened it. Carries the section as it is now."""

    def __init__(self, section):
        who = section.updated_by.full_name if section.updated_by else "Someone else"
        super().__init__(f"{who} changed this section since you opened it. Check what they saved below. "
                         "Your answers have not been saved yet: select Continue to save them over theirs.")
        self.section = section


def section_lock(model: type[models.Model], **lookup):
    """The section's row, created if need be and locked until the transaction ends. Call inside a transaction.
    Raises nothing."""
    section, _ = model._default_manager.select_for_update(of=("self",)).select_related("updated_by").get_or_create(**lookup)
    return section


def version_check(section, expected_version: int | None) -> None:
    """Raise StaleSection if the section has been saved since the user opened it (None: not checked)."""
    if expected_version is not None and section.version != expected_version:
        raise StaleSection(section)


def version_bump(section, actor, **changes) -> None:
    """Set `changes` on a section, raise its version by one and record who saved it (None for a system actor),
    then save it. Raises nothing."""
    for name, value in changes.items():
        setattr(section, name, value)
    section.version += 1
    section.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    section.save()


class SectionsLoaded:
    """Mixed into what a page loads of a record at once (an application, a return): `sections` maps a section's
    key to its saved row, and a section not yet saved reads as empty, at version 0."""

    sections: dict

    def answers(self, key: str) -> dict:
        section = self.sections.get(key)
        return section.answers if section else {}

    def version(self, key: str) -> int:
        section = self.sections.get(key)
        return section.version if section else 0


def status_of(section, *, started: bool | None = None, complete: bool | None = None) -> str:
    """A section's task-list status. By default a section is started once saved (version above 0) and complete
    when saved as completed; a collection whose sections hold more than their row (a list of items, answers
    that may be saved empty) says `started` and `complete` itself."""
    if started is None:
        started = section is not None and section.version > 0
    if complete is None:
        complete = bool(started and section is not None and section.completed)
    if complete:
        return COMPLETED
    return IN_PROGRESS if started else NOT_STARTED


def section_statuses(specs: Iterable[SectionSpec], *, status: Callable[[SectionSpec], str]) -> dict[str, str]:
    """Each section's status by key: its own (`status`), except that a section that comes `after_others` cannot
    start until every other section is completed."""
    specs = list(specs)
    own = {spec.key: status(spec) for spec in specs}
    others_done = all(own[spec.key] == COMPLETED for spec in specs if not spec.after_others)
    return {spec.key: CANNOT_START if spec.after_others and not others_done else own[spec.key] for spec in specs}


@dataclass(frozen=True)
class TaskRow:
    spec: SectionSpec
    status: str
    url: str


def task_groups(specs: Iterable[SectionSpec], *, status: Callable[[SectionSpec], str],
                url: Callable[[SectionSpec], str]) -> list[tuple[str, list[TaskRow]]]:
    """The task list: sections grouped in order, each with its status (section_statuses) and address."""
    specs = list(specs)
    statuses = section_statuses(specs, status=status)
    groups: dict[str, list[TaskRow]] = {}
    for spec in specs:
        groups.setdefault(spec.group, []).append(TaskRow(spec, statuses[spec.key], url(spec)))
    return list(groups.items())


@dataclass(frozen=True)
class Finding:
    section: str
    field: str
    problem: str
    url: str = ""  # where to change it, when the page lists findings as links

    @property
    def message(self) -> str:
        return f"{self.section}, '{self.field}': {self.problem}. Remove it before you submit."


def identity_findings(texts: Iterable[tuple], *, screen: Callable[[str], list[str]]) -> list[Finding]:
    """What looks like a child's identity in (section title, question, text) or (section title, question, text,
    address to change it) tuples, in their order."""
    return [Finding(section, question, problem, *where)
            for section, question, text, *where in texts if isinstance(text, str)
            for problem in screen(text)]


class StoredUpload(Protocol):
    """A row that keeps one upload (an application's Document, a monitoring return's Evidence): a model with
    these columns."""

    original_name: str
    content_type: str
    size_bytes: int
    file: FieldFile

    def save(self) -> None: ...

    def delete(self) -> object: ...


def upload_store(document: StoredUpload, upload) -> None:
    """Save a document row for an upload the one checker passed (core.filecheck, through
    core.forms.CheckedFileField, leaves its verdict on `upload.checked`): the name the user gave, the true kind and
    size, and the file stored under a name the server makes with the extension of its true kind. Raises
    DomainError for an upload that did not go through the checker."""
    checked = getattr(upload, "checked", None)
    if checked is None:
        raise DomainError("The selected file must be a PDF, Word, Excel or OpenDocument file")
    document.original_name = checked.name[:255]
    document.content_type = checked.content_type
    document.size_bytes = upload.size
    upload.name = "upload" + checked.extension
    document.file.save(upload.name, upload, save=False)
    document.save()


def upload_delete(document: StoredUpload) -> None:
    """Delete a document row now and its file once the transaction commits (a rollback keeps both)."""
    name, storage = document.file.name, document.file.storage
    document.delete()
    if name:  # always, for a row upload_store saved (as FieldFile.delete, nothing to remove without a name)
        transaction.on_commit(lambda: storage.delete(name))
