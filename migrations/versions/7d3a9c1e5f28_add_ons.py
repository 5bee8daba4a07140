"""Add-ons: extras on a visit with their own price and minutes, and those chosen on an
appointment (price and minutes copied when booked)

Revision ID: 7d3a9c1e5f28
Revises: 5b8e2d4f7a19
Create Date: 2026-12-03 13:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3a9c1e5f28'
down_revision = 'c5d1e9a3f702'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'add_on',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('price', sa.Integer(), nullable=False),
        sa.Column('extra_minutes', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint('price >= 0', name=op.f('ck_add_on_price')),
        sa.CheckConstraint(
            'extra_minutes >= 0 AND extra_minutes <= 240', name=op.f('ck_add_on_extra_minutes')
        ),
        sa.ForeignKeyConstraint(
            ['service_id'], ['service.id'], name=op.f('fk_add_on_service_id_service')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_add_on')),
    )
    with op.batch_alter_table('add_on', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_add_on_service_id'), ['service_id'], unique=False)

    op.create_table(
        'appointment_addon',
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('add_on_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('price', sa.Integer(), nullable=False),
        sa.Column('extra_minutes', sa.Integer(), nullable=False),
        sa.CheckConstraint('price >= 0', name=op.f('ck_appointment_addon_price')),
        sa.CheckConstraint(
            'extra_minutes >= 0', name=op.f('ck_appointment_addon_extra_minutes')
        ),
        sa.ForeignKeyConstraint(
            ['add_on_id'], ['add_on.id'], name=op.f('fk_appointment_addon_add_on_id_add_on')
        ),
        sa.ForeignKeyConstraint(
            ['appointment_id'],
            ['appointment.id'],
            name=op.f('fk_appointment_addon_appointment_id_appointment'),
        ),
        sa.PrimaryKeyConstraint(
            'appointment_id', 'add_on_id', name=op.f('pk_appointment_addon')
        ),
    )
    with op.batch_alter_table('appointment_addon', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_appointment_addon_add_on_id'), ['add_on_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('appointment_addon', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_addon_add_on_id'))
    op.drop_table('appointment_addon')
    with op.batch_alter_table('add_on', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_add_on_service_id'))
    op.drop_table('add_on')
