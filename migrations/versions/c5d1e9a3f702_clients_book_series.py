"""Clients may book a standing appointment from a booking's page (off by default)

Revision ID: c5d1e9a3f702
Revises: 5b8e2d4f7a19
Create Date: 2026-12-03 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d1e9a3f702'
down_revision = 'c4d7e1a9f302'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('clients_book_series', sa.Boolean(), server_default=sa.false(),
                      nullable=False)
        )
        batch_op.add_column(
            sa.Column('max_series_visits', sa.Integer(), server_default='12', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('max_series_visits')
        batch_op.drop_column('clients_book_series')
