"""Waitlist: entries, the freed times offered to them, and how long an offer lasts

Revision ID: b8e2d4f6a1c3
Revises: a3c5e7f9b1d2
Create Date: 2026-12-03 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e2d4f6a1c3'
down_revision = '7d2e9b4c1f06'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('waitlist_offer_minutes', sa.Integer(), server_default='30', nullable=False)
        )
    op.create_table(
        'waitlist_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('option_id', sa.Integer(), nullable=True),
        sa.Column('therapist_id', sa.Integer(), nullable=True),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('date_from', sa.Date(), nullable=False),
        sa.Column('date_to', sa.Date(), nullable=False),
        sa.Column('earliest', sa.Time(), nullable=False),
        sa.Column('latest', sa.Time(), nullable=False),
        sa.Column('weekdays', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('withdraw_token', sa.String(length=64), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('date_to >= date_from', name=op.f('ck_waitlist_entry_dates')),
        sa.CheckConstraint('latest >= earliest', name=op.f('ck_waitlist_entry_times')),
        sa.CheckConstraint(
            'weekdays > 0 AND weekdays <= 127', name=op.f('ck_waitlist_entry_weekdays')
        ),
        sa.CheckConstraint(
            "status IN ('active', 'booked', 'withdrawn', 'expired')",
            name=op.f('ck_waitlist_entry_status'),
        ),
        sa.ForeignKeyConstraint(
            ['location_id'], ['location.id'], name=op.f('fk_waitlist_entry_location_id_location')
        ),
        sa.ForeignKeyConstraint(
            ['option_id'],
            ['service_option.id'],
            name=op.f('fk_waitlist_entry_option_id_service_option'),
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_waitlist_entry_service_id_service')
        ),
        sa.ForeignKeyConstraint(
            ['therapist_id'],
            ['therapist.id'],
            name=op.f('fk_waitlist_entry_therapist_id_therapist'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entry')),
        sa.UniqueConstraint('withdraw_token', name=op.f('uq_waitlist_entry_withdraw_token')),
    )
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entry_email'), ['email'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_waitlist_entry_service_id'), ['service_id'], unique=False
        )
        batch_op.create_index(
            'ix_waitlist_entry_status_created', ['status', 'created_at'], unique=False
        )
    op.create_table(
        'waitlist_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('option_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('offered', 'claimed', 'gone', 'expired')",
            name=op.f('ck_waitlist_offer_status'),
        ),
        sa.ForeignKeyConstraint(
            ['appointment_id'],
            ['appointment.id'],
            name=op.f('fk_waitlist_offer_appointment_id_appointment'),
        ),
        sa.ForeignKeyConstraint(
            ['entry_id'],
            ['waitlist_entry.id'],
            name=op.f('fk_waitlist_offer_entry_id_waitlist_entry'),
        ),
        sa.ForeignKeyConstraint(
            ['location_id'], ['location.id'], name=op.f('fk_waitlist_offer_location_id_location')
        ),
        sa.ForeignKeyConstraint(
            ['option_id'],
            ['service_option.id'],
            name=op.f('fk_waitlist_offer_option_id_service_option'),
        ),
        sa.ForeignKeyConstraint(
            ['therapist_id'],
            ['therapist.id'],
            name=op.f('fk_waitlist_offer_therapist_id_therapist'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_offer')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_waitlist_offer_token_hash')),
    )
    with op.batch_alter_table('waitlist_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_offer_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(
            'ix_waitlist_offer_status_expires', ['status', 'expires_at'], unique=False
        )
        batch_op.create_index(
            'ix_waitlist_offer_therapist_start', ['therapist_id', 'starts_at'], unique=False
        )


def downgrade():
    op.drop_table('waitlist_offer')
    op.drop_table('waitlist_entry')
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('waitlist_offer_minutes')
