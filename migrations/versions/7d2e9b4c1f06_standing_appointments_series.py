"""Standing appointments: a series (every N weeks, M times) and each visit's series

Revision ID: 7d2e9b4c1f06
Revises: a3c5e7f9b1d2
Create Date: 2026-12-03 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e9b4c1f06'
down_revision = 'c1e4a7b2d9f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('option_id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('client_name', sa.String(length=100), nullable=False),
        sa.Column('client_email', sa.String(length=254), nullable=False),
        sa.Column('client_phone', sa.String(length=40), nullable=False),
        sa.Column('every_weeks', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('local_time', sa.Time(), nullable=False),
        sa.Column('first_date', sa.Date(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_from', sa.Date(), nullable=True),
        sa.CheckConstraint('count BETWEEN 1 AND 26', name=op.f('ck_series_count')),
        sa.CheckConstraint('every_weeks BETWEEN 1 AND 12', name=op.f('ck_series_every_weeks')),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_series_location_id_location')),
        sa.ForeignKeyConstraint(['option_id'], ['service_option.id'], name=op.f('fk_series_option_id_service_option')),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_series_service_id_service')),
        sa.ForeignKeyConstraint(['therapist_id'], ['therapist.id'], name=op.f('fk_series_therapist_id_therapist')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_therapist_id'), ['therapist_id'], unique=False)

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_position', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointment_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_appointment_series_id_series'), 'series', ['series_id'], ['id'])


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointment_series_id'))
        batch_op.drop_column('series_position')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_therapist_id'))

    op.drop_table('series')
