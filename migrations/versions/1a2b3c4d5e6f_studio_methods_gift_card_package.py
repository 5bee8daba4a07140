"""A studio payment may be made with a gift card or a package session

Revision ID: 1a2b3c4d5e6f
Revises: 0e9817536fed
Create Date: 2026-12-03 15:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '1a2b3c4d5e6f'
down_revision = '0e9817536fed'
branch_labels = None
depends_on = None

OLD = "method IN ('card_terminal', 'cash', 'other')"
NEW = "method IN ('card_terminal', 'cash', 'other', 'gift_card', 'package')"


def upgrade():
    with op.batch_alter_table('studio_payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_studio_payment_method'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_studio_payment_method'), NEW)


def downgrade():
    with op.batch_alter_table('studio_payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_studio_payment_method'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_studio_payment_method'), OLD)
