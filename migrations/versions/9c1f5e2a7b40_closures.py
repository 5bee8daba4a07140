"""Closures: clinic-wide or per-studio closed days and hours

Revision ID: 9c1f5e2a7b40
Revises: ec9d8d214285
Create Date: 2026-12-03 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '9c1f5e2a7b40'
down_revision = 'ec9d8d214285'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'closure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_closure_range')),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_closure_location_id_location')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_closure')),
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_closure_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_closure_ends_at'), ['ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_ends_at'))
        batch_op.drop_index(batch_op.f('ix_closure_starts_at'))
        batch_op.drop_index(batch_op.f('ix_closure_location_id'))
    op.drop_table('closure')
