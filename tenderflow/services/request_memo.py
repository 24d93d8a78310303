"""Answers to the same question asked several times while nothing has changed: one query.

A page asks "is this person on the panel?" or "has the lead asked for approval?" once per
section that shows something commercial. The first answer is kept on the database session
until anything is written through it (a flush, a bulk statement), it commits or rolls back,
or it is closed at the end of the request; while changes are waiting to be flushed nothing
is kept, and the database is asked as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

T = TypeVar("T")

MEMO = "tenderflow_request_memo"


def remembered(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()``, asked at most once until the session writes or ends."""
    if session.new or session.dirty or session.deleted:
        forget(session)
        return compute()
    memo: dict[Hashable, Any] = session.info.setdefault(MEMO, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def rows_once(session: Session, key: Hashable, statement: Any) -> list[Any]:
    """Return the rows ``statement`` selects, asked at most once until the session writes or ends.

    Each caller gets a list of its own, so sorting or filtering it leaves the kept one as it was.
    """
    return list(remembered(session, key, lambda: session.scalars(statement).all()))


def forget(session: Session, *_: Any) -> None:
    """Drop every kept answer."""
    session.info.pop(MEMO, None)


def _on_execute(state: ORMExecuteState) -> None:
    if not state.is_select:
        forget(state.session)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(Session, _name, forget)
event.listen(Session, "after_bulk_update", lambda context: forget(context.session))
event.listen(Session, "after_bulk_delete", lambda context: forget(context.session))
event.listen(Session, "do_orm_execute", _on_execute)
