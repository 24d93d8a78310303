"""The unit of work: a use case's changes are committed together, or not at all.

Every caller (a view, a CLI command, a flow's step) runs a use case inside one::

    with unit_of_work(db.session):
        bids.open_bids(db.session, procurement, user, now)

On success the work is committed. On a :class:`~tenderflow.services.ServiceError` or any other
exception it is rolled back; a :class:`~tenderflow.services.probity.Refused` attempt keeps only
its audit entry. Units nest: only the outermost commits, so a use case may call another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from tenderflow.services import ServiceError
from tenderflow.services.probity import Refused, keep_refusal

P = ParamSpec("P")
T = TypeVar("T")

_DEPTH = "tenderflow.unit_of_work.depth"


class KeptError(ServiceError):
    """A refusal whose own record (an audit entry, a counted attempt) is kept: the unit commits."""


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit the block's work on success; roll it back on failure (keeping a refusal's audit)."""
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    outermost = depth == 0
    try:
        yield session
    except Refused as exc:
        if outermost:
            keep_refusal(session, exc)
        raise
    except KeptError:
        if outermost:
            session.commit()
        raise
    except BaseException:
        if outermost:
            session.rollback()
        raise
    else:
        if outermost:
            session.commit()
    finally:
        session.info[_DEPTH] = depth


def keep_only(session: Session, record: Callable[[], object]) -> None:
    """Undo whatever is unsaved, then commit only what ``record`` writes (a refusal's audit)."""
    session.rollback()
    with unit_of_work(session):
        record()


def in_unit_of_work(session: Session, work: Callable[[], T]) -> T:
    """Run ``work`` in a unit of work and return what it returned."""
    with unit_of_work(session):
        return work()


def transactional(function: Callable[P, T]) -> Callable[P, T]:
    """Make a use case own its transaction: its first argument is the session it commits."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        session: Any = args[0] if args else kwargs["session"]
        with unit_of_work(session):
            return function(*args, **kwargs)

    return wrapper
