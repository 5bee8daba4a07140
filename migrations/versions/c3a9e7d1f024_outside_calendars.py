"""Outside calendars: a therapist's private iCalendar address and its busy times

Revision ID: c3a9e7d1f024
Revises: 6a2f9d4c1e85
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c3a9e7d1f024'
down_revision = '6a2f9d4c1e85'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'external_calendar',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('etag', sa.String(length=500), nullable=False),
        sa.Column('last_modified', sa.String(length=100), nullable=False),
        sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('warning', sa.String(length=300), nullable=False),
        sa.Column('covered_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['therapist_id'], ['therapist.id'], name=op.f('fk_external_calendar_therapist_id_therapist')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_calendar')),
        sa.UniqueConstraint('therapist_id', name=op.f('uq_external_calendar_therapist_id')),
    )
    op.create_table(
        'external_busy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_external_busy_range')),
        sa.ForeignKeyConstraint(['calendar_id'], ['external_calendar.id'], name=op.f('fk_external_busy_calendar_id_external_calendar'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['therapist_id'], ['therapist.id'], name=op.f('fk_external_busy_therapist_id_therapist')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_busy')),
    )
    with op.batch_alter_table('external_busy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_busy_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index('ix_external_busy_therapist_id_starts_at', ['therapist_id', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('external_busy', schema=None) as batch_op:
        batch_op.drop_index('ix_external_busy_therapist_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_external_busy_calendar_id'))
    op.drop_table('external_busy')
    op.drop_table('external_calendar')
