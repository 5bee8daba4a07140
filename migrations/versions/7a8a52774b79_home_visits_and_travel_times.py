"""Home visits: where a service happens, areas that take home visits and their surcharge,
mobile hours, therapists' home bases, the visit's address, travel times between places

Revision ID: 7a8a52774b79
Revises: 0d47f50a844a
Create Date: 2026-12-04 17:59:54.510029

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a8a52774b79'
down_revision = '0d47f50a844a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('travel_time',
    sa.Column('place_a', sa.String(length=40), nullable=False),
    sa.Column('place_b', sa.String(length=40), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes >= 0 AND minutes <= 600', name=op.f('ck_travel_time_minutes')),
    sa.CheckConstraint('place_a <= place_b', name=op.f('ck_travel_time_ordered')),
    sa.PrimaryKeyConstraint('place_a', 'place_b', name=op.f('pk_travel_time'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_area_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('visit_address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('visit_postal_code', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('outcall_surcharge', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_appointment_visit_area_id_service_area'), 'service_area', ['visit_area_id'], ['id'])

    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='studio', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_location_kind'), "kind IN ('studio', 'mobile')")

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_modes', sa.String(length=10), server_default='studio', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_service_visit_modes'), "visit_modes IN ('studio', 'home', 'both')")

    with op.batch_alter_table('service_area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_visits', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('outcall_surcharge', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_service_area_outcall_surcharge'), 'outcall_surcharge >= 0')

    with op.batch_alter_table('therapist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_base', sa.String(length=40), server_default='', nullable=False))



def downgrade():
    # Dropping a check constraint on SQLite recreates the table, and dropping a table that
    # other rows point to is refused while foreign keys are enforced: switch them off for
    # the recreates (the rows keep their ids, so every reference still holds afterwards).
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('PRAGMA foreign_keys=OFF')
    with op.batch_alter_table('therapist', schema=None) as batch_op:
        batch_op.drop_column('home_base')

    with op.batch_alter_table('service_area', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_service_area_outcall_surcharge'), type_='check')
        batch_op.drop_column('outcall_surcharge')
        batch_op.drop_column('home_visits')

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_service_visit_modes'), type_='check')
        batch_op.drop_column('visit_modes')

    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_location_kind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_visit_area_id_service_area'), type_='foreignkey')
        batch_op.drop_column('outcall_surcharge')
        batch_op.drop_column('visit_postal_code')
        batch_op.drop_column('visit_address')
        batch_op.drop_column('visit_area_id')

    op.drop_table('travel_time')
    if sqlite:
        op.execute('PRAGMA foreign_keys=ON')
