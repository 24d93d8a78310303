"""Import a district's schemes from its spreadsheet: every row checked, all or nothing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.capital import statuses as st
from tenderflow.models import CapitalRound, CapitalScheme, User
from tenderflow.services.capital import matrix_for
from tenderflow.services.capital.schemes import apply_values, check, may_start
from tenderflow.services.capital.workbooks import WorkbookError, WorkbookProblem, read_workbook


class ImportRefused(ValueError):
    """The workbook was refused whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[WorkbookProblem]) -> None:
        self.problems = problems
        super().__init__(f"The spreadsheet was not imported: {len(problems)} problems")


def import_workbook(
    session: Session,
    round_: CapitalRound,
    user: User,
    content: bytes,
    now: datetime,
    today: date,
    *,
    submit: bool = False,
) -> list[CapitalScheme]:
    """Check every row and, only if all are sound, save each as a draft (or submit them).

    A row whose scheme name matches one of the district's draft or returned schemes in the
    round updates it; a name matching a scheme already submitted is a problem.
    """
    if not may_start(user, round_, today):
        raise ImportRefused(
            [
                WorkbookProblem(
                    None, None, None, "This round is not open to schemes from your district"
                )
            ]
        )
    matrix = matrix_for(round_)
    try:
        rows = read_workbook(matrix, content)
    except WorkbookError as exc:
        raise ImportRefused(exc.problems) from None
    existing = {
        s.name.casefold(): s
        for s in session.scalars(
            select(CapitalScheme).where(
                CapitalScheme.round_id == round_.id,
                CapitalScheme.district_id == user.district_id,
                CapitalScheme.status != st.WITHDRAWN,
            )
        )
    }
    problems: list[WorkbookProblem] = []
    checked = []
    seen: dict[str, str] = {}
    for row in rows:
        result = check(matrix, user, row.answers, complete=True)
        for field_id, message in result.errors.items():
            problems.append(
                WorkbookProblem(
                    row.sheet, row.row, f"{row.columns.get(field_id, '?')} ({field_id})", message
                )
            )
        name = str(result.values.get("scheme_name", "")).casefold()
        where = f"sheet {row.sheet}, row {row.row}"
        column = f"{row.columns.get('scheme_name', '?')} (scheme_name)"
        if name and name in seen:
            problems.append(
                WorkbookProblem(
                    row.sheet, row.row, column, f"the same scheme name is on {seen[name]}"
                )
            )
        elif name:
            seen[name] = where
            earlier = existing.get(name)
            if earlier is not None and earlier.status not in st.EDITABLE:
                problems.append(
                    WorkbookProblem(
                        row.sheet,
                        row.row,
                        column,
                        "this scheme has already been submitted and is locked",
                    )
                )
        checked.append((row, result))
    if problems:
        raise ImportRefused(problems)
    saved = []
    for _, result in checked:
        scheme = existing.get(str(result.values["scheme_name"]).casefold())
        if scheme is None:
            scheme = CapitalScheme(
                round=round_,
                district_id=user.district_id,
                status=st.DRAFT,
                created_by=user,
                created_at=now,
            )
            session.add(scheme)
        apply_values(scheme, result.values, now)
        if submit:
            scheme.status = st.SUBMITTED
            scheme.submitted_at = now
        saved.append(scheme)
    session.flush()
    return saved
