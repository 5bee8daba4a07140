"""Content versions: counters the page cache keys on, bumped with every public edit

Revision ID: a3c5e7f9b1d2
Revises: 2c391f7a5357
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '2c391f7a5357'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_version',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_content_version')),
    )
    op.execute("INSERT INTO content_version (name, version) VALUES ('site', 0), ('blog', 0)")


def downgrade():
    op.drop_table('content_version')
