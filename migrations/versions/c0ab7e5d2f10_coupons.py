"""Coupons: codes for an amount or a percentage off, their services and uses, and the code
and discount an appointment was booked with

Revision ID: c0ab7e5d2f10
Revises: 1a2b3c4d5e6f
Create Date: 2026-12-03 15:45:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c0ab7e5d2f10'
down_revision = '1a2b3c4d5e6f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'coupon',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('max_uses', sa.Integer(), nullable=False),
        sa.Column('max_uses_per_client', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('amount', 'percent')", name=op.f('ck_coupon_kind')),
        sa.CheckConstraint(
            "(kind = 'amount' AND value > 0) OR (kind = 'percent' AND value BETWEEN 1 AND 100)",
            name=op.f('ck_coupon_value'),
        ),
        sa.CheckConstraint(
            'max_uses >= 0 AND max_uses_per_client >= 0', name=op.f('ck_coupon_limits')
        ),
        sa.CheckConstraint(
            'valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until',
            name=op.f('ck_coupon_dates'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon')),
        sa.UniqueConstraint('code', name=op.f('uq_coupon_code')),
    )
    op.create_table(
        'coupon_service',
        sa.Column('coupon_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['coupon_id'], ['coupon.id'], name=op.f('fk_coupon_service_coupon_id_coupon')
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_coupon_service_service_id_service')
        ),
        sa.PrimaryKeyConstraint('coupon_id', 'service_id', name=op.f('pk_coupon_service')),
    )
    with op.batch_alter_table('coupon_service', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_coupon_service_service_id'), ['service_id'], unique=False
        )
    op.create_table(
        'coupon_use',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('coupon_id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=True),
        sa.Column('client_email', sa.String(length=254), nullable=False),
        sa.Column('amount_off', sa.Integer(), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('amount_off >= 0', name=op.f('ck_coupon_use_amount_off')),
        sa.ForeignKeyConstraint(
            ['appointment_id'],
            ['appointment.id'],
            name=op.f('fk_coupon_use_appointment_id_appointment'),
        ),
        sa.ForeignKeyConstraint(
            ['client_id'], ['client.id'], name=op.f('fk_coupon_use_client_id_client')
        ),
        sa.ForeignKeyConstraint(
            ['coupon_id'], ['coupon.id'], name=op.f('fk_coupon_use_coupon_id_coupon')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_use')),
        sa.UniqueConstraint('appointment_id', name=op.f('uq_coupon_use_appointment_id')),
    )
    with op.batch_alter_table('coupon_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_use_client_email'), ['client_email'])
        batch_op.create_index(batch_op.f('ix_coupon_use_client_id'), ['client_id'])
        batch_op.create_index(batch_op.f('ix_coupon_use_coupon_id'), ['coupon_id'])

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coupon_code', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('coupon_discount', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_appointment_coupon_discount'),
            'coupon_discount >= 0 AND coupon_discount <= price',
        )


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appointment_coupon_discount'), type_='check')
        batch_op.drop_column('coupon_discount')
        batch_op.drop_column('coupon_code')
    with op.batch_alter_table('coupon_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupon_use_coupon_id'))
        batch_op.drop_index(batch_op.f('ix_coupon_use_client_id'))
        batch_op.drop_index(batch_op.f('ix_coupon_use_client_email'))
    op.drop_table('coupon_use')
    with op.batch_alter_table('coupon_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupon_service_service_id'))
    op.drop_table('coupon_service')
    op.drop_table('coupon')
