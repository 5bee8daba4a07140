"""Money taken at the studio (balance, tip, method, who; voided, never deleted) and the
close-out of a day's takings

Revision ID: 0e9817536fed
Revises: 5b8e2d4f7a19
Create Date: 2026-12-03 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0e9817536fed'
down_revision = '7d3a9c1e5f28'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'studio_payment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('tip', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('voided_by_id', sa.Integer(), nullable=True),
        sa.Column('void_reason', sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            'amount >= 0 AND tip >= 0 AND amount + tip > 0',
            name=op.f('ck_studio_payment_amounts'),
        ),
        sa.CheckConstraint(
            "method IN ('card_terminal', 'cash', 'other')",
            name=op.f('ck_studio_payment_method'),
        ),
        sa.ForeignKeyConstraint(
            ['appointment_id'], ['appointment.id'],
            name=op.f('fk_studio_payment_appointment_id_appointment'),
        ),
        sa.ForeignKeyConstraint(
            ['recorded_by_id'], ['staff_user.id'],
            name=op.f('fk_studio_payment_recorded_by_id_staff_user'),
        ),
        sa.ForeignKeyConstraint(
            ['voided_by_id'], ['staff_user.id'],
            name=op.f('fk_studio_payment_voided_by_id_staff_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_payment')),
    )
    with op.batch_alter_table('studio_payment', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_studio_payment_appointment_id'), ['appointment_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_studio_payment_recorded_at'), ['recorded_at'], unique=False
        )
    op.create_table(
        'day_close',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('totals', sa.JSON(), nullable=False),
        sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reopened_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['closed_by_id'], ['staff_user.id'],
            name=op.f('fk_day_close_closed_by_id_staff_user'),
        ),
        sa.ForeignKeyConstraint(
            ['reopened_by_id'], ['staff_user.id'],
            name=op.f('fk_day_close_reopened_by_id_staff_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_day_close')),
    )
    with op.batch_alter_table('day_close', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_day_close_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('day_close', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_day_close_day'))
    op.drop_table('day_close')
    with op.batch_alter_table('studio_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_payment_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_studio_payment_appointment_id'))
    op.drop_table('studio_payment')
