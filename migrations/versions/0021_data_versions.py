"""data versions: a token the database changes whenever the data behind a computed page changes

Revision ID: 0021v
Revises: 0019c
Create Date: 2026-12-07 10:00:00

Evaluation results (with their sensitivity) and the capital priority list are computed from
many tables and kept in each web process's memory, keyed on a token. Triggers give the token
a new random value on every insert, update or delete of a table the computation reads, in the
same transaction as the change, whichever code (or process, or flow run) makes it; so a kept
result whose token is no longer current is never used again. Random rather than a counter: a
transaction that changed the token and then rolled back must not leave behind a value that a
later, different change could give again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021v"
down_revision = "0019c"
branch_labels = None
depends_on = None

# scope -> the tables whose changes invalidate what is computed in that scope.
SCOPES = {
    "evaluation": (
        "procurements",
        "lots",
        "bidders",
        "bids",
        "evaluation_models",
        "panel_members",
        "evaluator_assignments",
        "conflict_declarations",
        "evaluator_scores",
        "consensus_scores",
        "pass_fail_results",
        "service_types",
    ),
    "capital": (
        "capital_rounds",
        "capital_schemes",
        "capital_checks",
        "capital_score_sheets",
        "capital_scores",
        "capital_agreed_scores",
        "districts",
    ),
}
# People's names appear in both (an evaluator's scores, a scorer's sheet); nothing else of
# theirs does, and sign-ins update other columns of theirs all day.
NAMED = ("users", "name")

SQLITE_TOKEN = "lower(hex(randomblob(16)))"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION data_versions_bump() RETURNS trigger AS $$
BEGIN
    INSERT INTO data_versions (scope, token) VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (scope) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def _triggers() -> list[tuple[str, str, str, str | None]]:
    """Return (trigger name, table, scope, column or None) for every trigger."""
    found = []
    for scope, tables in SCOPES.items():
        for table in tables:
            found.append((f"dv_{scope}_{table}", table, scope, None))
        table, column = NAMED
        found.append((f"dv_{scope}_{table}_{column}", table, scope, column))
    return found


def upgrade():
    op.create_table(
        "data_versions",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_data_versions")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(POSTGRES_FUNCTION)
    for name, table, scope, column in _triggers():
        if postgres:
            events = f"UPDATE OF {column}" if column else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
            op.execute(
                f"CREATE TRIGGER {name} AFTER {events} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION data_versions_bump('{scope}')"
            )
            continue
        bump = (
            f"INSERT INTO data_versions (scope, token) VALUES ('{scope}', {SQLITE_TOKEN}) "
            "ON CONFLICT (scope) DO UPDATE SET token = excluded.token;"
        )
        for event in [f"UPDATE OF {column}"] if column else ["INSERT", "UPDATE", "DELETE"]:
            suffix = event.split()[0].lower()
            op.execute(
                f"CREATE TRIGGER {name}_{suffix} AFTER {event} ON {table} "
                f"FOR EACH ROW BEGIN {bump} END"
            )
    for scope in SCOPES:
        token = "md5(random()::text)" if postgres else SQLITE_TOKEN
        op.execute(f"INSERT INTO data_versions (scope, token) VALUES ('{scope}', {token})")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, _scope, column in _triggers():
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            continue
        for event in ["update"] if column else ["insert", "update", "delete"]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS data_versions_bump()")
    op.drop_table("data_versions")
