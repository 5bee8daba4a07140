"""Where an online booking came from (area page, blog post, newsletter, direct...), and
uploaded therapist portraits

Revision ID: 6a2f9d4c1e85
Revises: 9c1f5e2a7b40
Create Date: 2026-12-04 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '6a2f9d4c1e85'
down_revision = '9c1f5e2a7b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=200), nullable=True))
    with op.batch_alter_table('therapist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('portrait', sa.String(length=200), nullable=True))


def downgrade():
    # recreate='never': SQLite 3.35+ drops a column in place; recreating either table would
    # drop one that other rows point to, which the app's PRAGMA foreign_keys=ON refuses.
    with op.batch_alter_table('therapist', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('portrait')
    with op.batch_alter_table('appointment', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('origin')
