"""Payments: why staff should look at one (automatic refunds, wrong amounts, provider errors)

Revision ID: d41e7c2a9b60
Revises: 5c0f3a9d2e71
Create Date: 2026-12-02 12:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd41e7c2a9b60'
down_revision = '5c0f3a9d2e71'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns: a plain ALTER TABLE ADD COLUMN on SQLite and PostgreSQL alike.
    op.add_column('payment', sa.Column('attention', sa.String(length=300), nullable=True))
    op.add_column('payment', sa.Column('attention_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('attention_at')
        batch_op.drop_column('attention')
