"""Rooms and equipment per studio; the room an appointment holds; what a service needs

Revision ID: 3b8d5e0c1a72
Revises: c3a9e7d1f024
Create Date: 2026-12-04 14:55:59.053362

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8d5e0c1a72'
down_revision = 'c3a9e7d1f024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_equipment_count')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_equipment_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
    sa.UniqueConstraint('location_id', 'name', name=op.f('uq_equipment_location_id'))
    )
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_location_id'), ['location_id'], unique=False)

    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_room_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('location_id', 'name', name=op.f('uq_room_location_id'))
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_location_id'), ['location_id'], unique=False)

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointment_room_id'), ['room_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_appointment_room_id_room'), 'room', ['room_id'], ['id'])

    with op.batch_alter_table('service', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('needs_room', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('room_kind', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('equipment_needed', sa.String(length=60), server_default='', nullable=False))



def downgrade():
    # recreate='never': recreating `service` would drop a table other rows point to (see
    # 2c391f7a5357); SQLite 3.35+ drops these plain columns in place.
    with op.batch_alter_table('service', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('equipment_needed')
        batch_op.drop_column('room_kind')
        batch_op.drop_column('needs_room')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_room_id_room'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointment_room_id'))
        batch_op.drop_column('room_id')

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_location_id'))

    op.drop_table('room')
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_location_id'))

    op.drop_table('equipment')
