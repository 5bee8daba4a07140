"""Which edits change what public pages show, and the counters they bump.

Every flush is looked at: a new, changed or deleted row of a model that public pages show
bumps its scope's counter in the same transaction, whoever made the edit (a staff page,
a command, the demo loader, a test). A reader that sees the new counter therefore sees the
new rows; one that sees the old counter may store what it rendered under the old key,
which is never served, as its marks are not the current ones.

The same scopes are noted in the session (`session.info["content_bumped"]`) and, once the
outermost transaction committed, handed to the page store (`Store.bump`): Redis replaces
its tokens of those scopes, so every worker and host sees the edit without asking the
database. Not before the commit: a page rendered in between would read the old rows and
be kept under the new marks. A rollback of the whole transaction forgets them.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from clinicsite.models import (
    AddOn,
    AreaService,
    Category,
    ClinicSettings,
    Closure,
    Comment,
    ContentVersion,
    Equipment,
    ExtraHours,
    LeadMagnet,
    Location,
    Post,
    PostRedirect,
    Region,
    Room,
    Service,
    ServiceArea,
    ServiceOption,
    StaffUser,
    Tag,
    Therapist,
    TimeOff,
    TravelTime,
    WorkingHours,
)

SITE, BLOG = "site", "blog"
SCOPES = (SITE, BLOG)
BUMPED = "content_bumped"  # session.info: the scopes this transaction bumped -> counter

# The models each scope's pages show. Appointments, payments, subscribers, inquiries and
# the outbox change no public page (availability has its own key: booking/api.py).
SHOWN = {
    ClinicSettings: SITE,
    Service: SITE,
    ServiceOption: SITE,
    Region: SITE,
    ServiceArea: SITE,
    AreaService: SITE,
    Location: SITE,
    Therapist: SITE,
    WorkingHours: SITE,
    ExtraHours: SITE,
    TimeOff: SITE,
    LeadMagnet: SITE,  # the footer's sign-up promises the guide once there is one
    Post: BLOG,
    PostRedirect: BLOG,
    Category: BLOG,
    Tag: BLOG,
    Comment: BLOG,
    StaffUser: BLOG,  # posts show their author's name
    AddOn: SITE,  # the booking page offers a service's add-ons
    Closure: SITE,  # the booking and contact pages name the closed days
    Room: SITE,  # rooms and equipment decide which times are free
    Equipment: SITE,
    TravelTime: SITE,  # travel between places decides which home-visit times are free
}
# Columns whose change shows on no public page.
UNSHOWN = {
    Therapist: {"schedule_version", "feed_token", "updated_at"},
    StaffUser: set(sa.inspect(StaffUser).columns.keys()) - {"name"},
}


def _changed_columns(obj) -> set[str]:
    state = sa.inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _scope_of(obj, is_new_or_deleted: bool) -> str | None:
    scope = SHOWN.get(type(obj))
    if scope is None:
        return None
    if isinstance(obj, Comment):  # readers see approved comments only
        was = sa.inspect(obj).attrs.status.history.deleted
        if obj.status != "approved" and "approved" not in (was or ()):
            return None
        return scope
    if is_new_or_deleted:
        return None if isinstance(obj, StaffUser) else scope
    unshown = UNSHOWN.get(type(obj), set())
    return scope if _changed_columns(obj) - unshown else None


def scopes_touched(session: Session) -> set[str]:
    touched = {_scope_of(obj, True) for obj in (*session.new, *session.deleted)}
    touched |= {
        _scope_of(obj, False)
        for obj in session.dirty
        if session.is_modified(obj, include_collections=True)
    }
    touched.discard(None)
    return touched  # type: ignore[return-value]


def bump(connection: sa.Connection, scopes: Iterable[str]) -> dict[str, int]:
    """Add one to each counter, creating a missing row (an emptied database); the new
    counters."""
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    counters = {}
    for name in sorted(scopes):  # one order, so two bumping transactions cannot deadlock
        statement = insert(ContentVersion).values(name=name, version=1)
        counters[name] = connection.execute(
            statement.on_conflict_do_update(
                index_elements=[ContentVersion.name],
                set_={"version": ContentVersion.version + 1},
            ).returning(ContentVersion.version)
        ).scalar_one()
    return counters


def read(connection: sa.Connection) -> dict[str, int]:
    # Plain SQL: on every cached request, so no statement to compile or cache-key.
    rows = connection.exec_driver_sql("SELECT name, version FROM content_version")
    found = {name: version for name, version in rows}
    return {name: found.get(name, 0) for name in SCOPES}


def _after_flush(session: Session, flush_context) -> None:
    touched = session.info.pop("content_touched", set())
    if touched:
        _bump(session, touched)


def _bump(session: Session, scopes: Iterable[str]) -> None:
    bumped = session.info.setdefault(BUMPED, {})
    for scope, counter in bump(session.connection(), scopes).items():
        bumped[scope] = max(counter, bumped.get(scope, 0))


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: the outer transaction may still roll back
    bumped = session.info.pop(BUMPED, None)
    if bumped and has_app_context():
        store = current_app.extensions.get("clinicsite.pagecache")
        if store is not None:
            store.bump(bumped)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # A savepoint rolled back keeps what the transaction bumped before it (a bump too
    # many only costs a render); the outermost rolled back bumped nothing.
    if previous_transaction.parent is None:
        session.info.pop(BUMPED, None)


def _before_flush(session: Session, flush_context, instances) -> None:
    touched = scopes_touched(session)
    if touched:
        session.info.setdefault("content_touched", set()).update(touched)


def _bulk_statements(state: ORMExecuteState) -> None:
    """UPDATE and DELETE statements bypass the flush: bump for those on shown models (the
    booking lock's UPDATE of a therapist's schedule_version is not one)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    if model is Therapist and state.is_update:
        return
    scope = SHOWN.get(model)
    if scope is not None:
        _bump(state.session, [scope])


def listen_once() -> None:
    """Watch every session of the app's Session class (once per process, however many
    apps are made)."""
    from flask_sqlalchemy.session import Session as AppSession

    if not event.contains(AppSession, "before_flush", _before_flush):
        event.listen(AppSession, "before_flush", _before_flush)
        event.listen(AppSession, "after_flush", _after_flush)
        event.listen(AppSession, "do_orm_execute", _bulk_statements)
        event.listen(AppSession, "after_commit", _after_commit)
        event.listen(AppSession, "after_soft_rollback", _after_soft_rollback)
