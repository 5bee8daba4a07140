"""Booking limits per client: keyed hashes of who booked online, and the limits as settings

Revision ID: 5a0c7e3d9b21
Revises: d41e7c2a9b60
Create Date: 2026-12-02 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a0c7e3d9b21'
down_revision = 'd41e7c2a9b60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_address_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('client_email_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('client_device_key', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointment_client_address_key'), ['client_address_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_client_email_key'), ['client_email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_client_device_key'), ['client_device_key'], unique=False)

    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_holds_per_client', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('max_bookings_per_client_day', sa.Integer(), server_default='6', nullable=False))
        batch_op.add_column(sa.Column('max_free_per_client', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(
            batch_op.f('ck_clinic_settings_client_limits'),
            'max_holds_per_client >= 0 AND max_bookings_per_client_day >= 0 '
            'AND max_free_per_client >= 0',
        )


def downgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_clinic_settings_client_limits'), type_='check')
        batch_op.drop_column('max_free_per_client')
        batch_op.drop_column('max_bookings_per_client_day')
        batch_op.drop_column('max_holds_per_client')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_client_device_key'))
        batch_op.drop_index(batch_op.f('ix_appointment_client_email_key'))
        batch_op.drop_index(batch_op.f('ix_appointment_client_address_key'))
        batch_op.drop_column('client_device_key')
        batch_op.drop_column('client_email_key')
        batch_op.drop_column('client_address_key')
