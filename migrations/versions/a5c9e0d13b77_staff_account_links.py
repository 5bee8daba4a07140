"""Staff accounts: invitations and password resets by emailed link

Revision ID: a5c9e0d13b77
Revises: 2fe71f19764c
Create Date: 2026-12-03 19:15:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'a5c9e0d13b77'
down_revision = '2fe71f19764c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f('ck_account_link_purpose')),
        sa.ForeignKeyConstraint(
            ['staff_user_id'], ['staff_user.id'],
            name=op.f('fk_account_link_staff_user_id_staff_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_link_token_hash')),
    )
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_link_staff_user_id'), ['staff_user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_link_staff_user_id'))
    op.drop_table('account_link')
