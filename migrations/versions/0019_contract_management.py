"""contract management: the contract register, priority reviews and quarterly returns

Revision ID: 0019c
Revises: 0018t
Create Date: 2026-12-07 09:55:10.149212

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0019c"
down_revision = "0018t"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contract_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("award_contract_id", sa.Integer(), nullable=True),
        sa.Column("procurement_id", sa.Integer(), nullable=True),
        sa.Column("supplier_name", sa.String(length=200), nullable=False),
        sa.Column("supplier_companies_house_number", sa.String(length=20), nullable=False),
        sa.Column("supplier_ppon", sa.String(length=40), nullable=False),
        sa.Column("supplier_is_sme", sa.Boolean(), nullable=True),
        sa.Column("supplier_is_vcse", sa.Boolean(), nullable=True),
        sa.Column("value", tenderflow.models.types.Money(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("extension_options", sa.Text(), nullable=False),
        sa.Column("extension_count", sa.Integer(), nullable=False),
        sa.Column("extension_months", sa.Integer(), nullable=False),
        sa.Column("service_type", sa.String(length=60), nullable=False),
        sa.Column("client_group", sa.String(length=60), nullable=False),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("procurement_route", sa.String(length=60), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("priority_band", sa.String(length=20), nullable=True),
        sa.Column("priority_score", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reprocurement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_register_award_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_contract_register_manager_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contract_register_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurements.id"],
            name=op.f("fk_contract_register_procurement_id_procurements"),
        ),
        sa.ForeignKeyConstraint(
            ["reprocurement_id"],
            ["procurements.id"],
            name=op.f("fk_contract_register_reprocurement_id_procurements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_register")),
        sa.UniqueConstraint(
            "award_contract_id", name=op.f("uq_contract_register_award_contract_id")
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_contract_register_reference")),
    )
    with op.batch_alter_table("contract_register", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_register_manager_id"), ["manager_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_register_procurement_id"), ["procurement_id"], unique=False
        )

    op.create_table(
        "contract_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("target", tenderflow.models.types.Rate(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_indicators_contract_id_contract_register"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_indicators")),
        sa.UniqueConstraint("contract_id", "code", name=op.f("uq_contract_indicators_contract_id")),
    )
    with op.batch_alter_table("contract_indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_indicators_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_priority_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("value_points", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("previous_band", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_priority_reviews_contract_id_contract_register"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_contract_priority_reviews_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_priority_reviews")),
    )
    with op.batch_alter_table("contract_priority_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_priority_reviews_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", tenderflow.models.types.Rate(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_returns_contract_id_contract_register"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_contract_returns_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_returns")),
        sa.UniqueConstraint(
            "contract_id",
            "year",
            "quarter",
            "indicator",
            name=op.f("uq_contract_returns_contract_id"),
        ),
    )
    with op.batch_alter_table("contract_returns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_returns_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_meetings_contract_id_contract_register"),
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_by_id"],
            ["users.id"],
            name=op.f("fk_contract_meetings_scheduled_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_meetings")),
    )
    with op.batch_alter_table("contract_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_meetings_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_performance_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("notice_id", sa.String(length=60), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_performance_assessments_contract_id_contract_register"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_contract_performance_assessments_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_performance_assessments")),
        sa.UniqueConstraint(
            "contract_id", "year", name=op.f("uq_contract_performance_assessments_contract_id")
        ),
    )
    with op.batch_alter_table("contract_performance_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_performance_assessments_contract_id"),
            ["contract_id"],
            unique=False,
        )

    op.create_table(
        "contract_quality_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_quality_grades_contract_id_contract_register"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_quality_grades")),
        sa.UniqueConstraint(
            "contract_id", "year", name=op.f("uq_contract_quality_grades_contract_id")
        ),
    )
    with op.batch_alter_table("contract_quality_grades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_quality_grades_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "contract_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("improvement_plan", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_actions_contract_id_contract_register"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["contract_meetings.id"],
            name=op.f("fk_contract_actions_meeting_id_contract_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_actions")),
    )
    with op.batch_alter_table("contract_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_actions_contract_id"), ["contract_id"], unique=False
        )
    op.create_table(
        "contract_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ground", sa.String(length=40), nullable=True),
        sa.Column("value_change", tenderflow.models.types.Money(), nullable=True),
        sa.Column("new_end_date", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("minute_reference", sa.String(length=120), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("notice_type", sa.String(length=10), nullable=True),
        sa.Column("notice_reason", sa.Text(), nullable=False),
        sa.Column("notice_due", sa.Date(), nullable=True),
        sa.Column("notice_id", sa.String(length=60), nullable=True),
        sa.Column("notice_published_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract_register.id"],
            name=op.f("fk_contract_changes_contract_id_contract_register"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_contract_changes_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_contract_changes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_changes")),
    )
    with op.batch_alter_table("contract_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_changes_contract_id"), ["contract_id"], unique=False
        )
    _register_awarded_contracts()


def downgrade():
    with op.batch_alter_table("contract_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_changes_contract_id"))

    op.drop_table("contract_changes")
    with op.batch_alter_table("contract_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_actions_contract_id"))

    op.drop_table("contract_actions")
    with op.batch_alter_table("contract_quality_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_quality_grades_contract_id"))

    op.drop_table("contract_quality_grades")
    with op.batch_alter_table("contract_performance_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_performance_assessments_contract_id"))

    op.drop_table("contract_performance_assessments")
    with op.batch_alter_table("contract_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_meetings_contract_id"))

    op.drop_table("contract_meetings")
    with op.batch_alter_table("contract_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_returns_contract_id"))

    op.drop_table("contract_returns")
    with op.batch_alter_table("contract_priority_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_priority_reviews_contract_id"))

    op.drop_table("contract_priority_reviews")
    with op.batch_alter_table("contract_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_indicators_contract_id"))

    op.drop_table("contract_indicators")
    with op.batch_alter_table("contract_register", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_register_procurement_id"))
        batch_op.drop_index(batch_op.f("ix_contract_register_manager_id"))

    op.drop_table("contract_register")


# The indicators scoring_matrices/contract-priority.yaml gave new contracts when this ran.
DEFAULT_INDICATORS = [
    ("staffing", "Staffing at contractual levels", 100),
    ("utilisation", "Utilisation", 95),
    ("throughput", "Throughput (planned moves on)", 70),
]


def _register_awarded_contracts():
    """Put every contract already awarded into the register, as an award does from now on."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.procurement_id, c.value, c.start_date, c.end_date, "
            "c.extension_options, c.awarded_at, p.reference, p.title, p.description, "
            "p.extension_years, p.buyer_name, p.route, p.lead_id, s.name, "
            "s.companies_house_number, s.ppon, s.is_sme, s.is_vcse, l.number, l.title, "
            "st.code, cg.code "
            "FROM contracts c JOIN procurements p ON p.id = c.procurement_id "
            "JOIN bidders s ON s.id = c.supplier_id LEFT JOIN lots l ON l.id = c.lot_id "
            "LEFT JOIN service_types st ON st.id = p.service_type_id "
            "LEFT JOIN client_groups cg ON cg.id = p.client_group_id"
        )
    ).fetchall()
    if not rows:
        return
    register = sa.table(
        "contract_register",
        *(
            sa.column(name)
            for name in (
                "reference",
                "title",
                "description",
                "award_contract_id",
                "procurement_id",
                "supplier_name",
                "supplier_companies_house_number",
                "supplier_ppon",
                "supplier_is_sme",
                "supplier_is_vcse",
                "start_date",
                "end_date",
                "extension_options",
                "extension_count",
                "extension_months",
                "service_type",
                "client_group",
                "department",
                "procurement_route",
                "owner_id",
                "status",
            )
        ),
        sa.column("value", sa.BigInteger()),
        sa.column("districts", sa.JSON()),
        # Untyped: the dates and times go across as each database returned them.
        sa.column("created_at"),
    )
    indicators = sa.table(
        "contract_indicators",
        sa.column("contract_id"),
        sa.column("code"),
        sa.column("title"),
        sa.column("unit"),
        sa.column("target", sa.BigInteger()),
    )
    for r in rows:
        districts = [
            code
            for (code,) in bind.execute(
                sa.text(
                    "SELECT d.code FROM districts d JOIN procurement_districts pd "
                    "ON pd.district_id = d.id WHERE pd.procurement_id = :p ORDER BY d.code"
                ),
                {"p": r[1]},
            )
        ]
        bind.execute(
            register.insert().values(
                reference=r[7] if r[19] is None else f"{r[7]}-LOT{r[19]}",
                title=r[8] if r[19] is None else f"{r[8]}: {r[20]}",
                description=r[9] or "",
                award_contract_id=r[0],
                procurement_id=r[1],
                value=r[2],
                start_date=r[3],
                end_date=r[4],
                extension_options=r[5] or "",
                extension_count=r[10] or 0,
                extension_months=12 if r[10] else 0,
                department=r[11] or "",
                procurement_route=r[12] or "",
                owner_id=r[13],
                supplier_name=r[14],
                supplier_companies_house_number=r[15] or "",
                supplier_ppon=r[16] or "",
                supplier_is_sme=r[17],
                supplier_is_vcse=r[18],
                service_type=r[21] or "",
                client_group=r[22] or "",
                districts=districts,
                status="active",
                created_at=r[6],
            )
        )
        (entry_id,) = bind.execute(
            sa.text("SELECT id FROM contract_register WHERE award_contract_id = :c"), {"c": r[0]}
        ).one()
        bind.execute(
            indicators.insert(),
            [
                {
                    "contract_id": entry_id,
                    "code": code,
                    "title": title,
                    "unit": "percent",
                    "target": target * 10000,
                }
                for code, title, target in DEFAULT_INDICATORS
            ],
        )
