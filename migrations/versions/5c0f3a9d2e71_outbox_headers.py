"""Outbox: extra headers per email (Reply-To, List-Unsubscribe, List-Unsubscribe-Post)

Revision ID: 5c0f3a9d2e71
Revises: b70d412e7805
Create Date: 2026-12-02 12:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0f3a9d2e71'
down_revision = 'b70d412e7805'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: emails queued before this revision simply have no extra headers.
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('headers')
