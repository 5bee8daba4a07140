"""Working hours and extra hours may end at midnight or cross it

An end at or before the start now means the next day (22:00-02:00; 00:00 is 24:00), so the
check becomes "the end differs from the start".

Revision ID: d4c1a7f0e924
Revises: 5a0c7e3d9b21
Create Date: 2026-12-02 13:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4c1a7f0e924'
down_revision = '5a0c7e3d9b21'
branch_labels = None
depends_on = None

TABLES = ("working_hours", "extra_hours")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_range"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_range"), "ends_at <> starts_at")


def downgrade():
    # Ranges that cross midnight have no meaning under the old check: they are removed.
    for table in TABLES:
        op.execute(f"DELETE FROM {table} WHERE ends_at <= starts_at")
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_range"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_range"), "ends_at > starts_at")
