"""Gift cards: the card, its ledger, the online order, and the clinic's gift card settings

Revision ID: 7f3e2a91c4b8
Revises: c0ab7e5d2f10
Create Date: 2026-12-03 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3e2a91c4b8'
down_revision = 'c0ab7e5d2f10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gift_card',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('token', sa.String(length=43), nullable=False),
        sa.Column('amount_issued', sa.Integer(), nullable=False),
        sa.Column('balance', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('buyer_name', sa.String(length=120), nullable=False),
        sa.Column('buyer_email', sa.String(length=254), nullable=False),
        sa.Column('recipient_name', sa.String(length=120), nullable=False),
        sa.Column('recipient_email', sa.String(length=254), nullable=False),
        sa.Column('message', sa.String(length=1000), nullable=False),
        sa.Column('send_on', sa.Date(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount_issued > 0', name=op.f('ck_gift_card_amount_issued')),
        sa.CheckConstraint('balance >= 0', name=op.f('ck_gift_card_balance')),
        sa.CheckConstraint("status IN ('active', 'void')", name=op.f('ck_gift_card_status')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['staff_user.id'], name=op.f('fk_gift_card_issued_by_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_card')),
        sa.UniqueConstraint('code', name=op.f('uq_gift_card_code')),
        sa.UniqueConstraint('token', name=op.f('uq_gift_card_token')),
    )
    with op.batch_alter_table('gift_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gift_card_buyer_email'), ['buyer_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_card_recipient_email'), ['recipient_email'], unique=False)

    op.create_table(
        'gift_card_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gift_card_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('balance_after', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('studio_payment_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=120), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('balance_after >= 0', name=op.f('ck_gift_card_entry_balance_after')),
        sa.CheckConstraint(
            "kind IN ('issue', 'redeem', 'refund', 'adjust', 'void', 'expire')",
            name=op.f('ck_gift_card_entry_kind'),
        ),
        sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_gift_card_entry_actor_id_staff_user')),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_gift_card_entry_appointment_id_appointment')),
        sa.ForeignKeyConstraint(['gift_card_id'], ['gift_card.id'], name=op.f('fk_gift_card_entry_gift_card_id_gift_card')),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_gift_card_entry_payment_id_payment')),
        sa.ForeignKeyConstraint(['studio_payment_id'], ['studio_payment.id'], name=op.f('fk_gift_card_entry_studio_payment_id_studio_payment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_card_entry')),
    )
    with op.batch_alter_table('gift_card_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gift_card_entry_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_card_entry_gift_card_id'), ['gift_card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_card_entry_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_card_entry_studio_payment_id'), ['studio_payment_id'], unique=False)

    op.create_table(
        'gift_card_order',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=43), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('amount_refunded', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('buyer_name', sa.String(length=120), nullable=False),
        sa.Column('buyer_email', sa.String(length=254), nullable=False),
        sa.Column('recipient_name', sa.String(length=120), nullable=False),
        sa.Column('recipient_email', sa.String(length=254), nullable=False),
        sa.Column('message', sa.String(length=1000), nullable=False),
        sa.Column('send_on', sa.Date(), nullable=True),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
        sa.Column('checkout_url', sa.String(length=2000), nullable=True),
        sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
        sa.Column('attention', sa.String(length=300), nullable=True),
        sa.Column('gift_card_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('amount > 0', name=op.f('ck_gift_card_order_amount')),
        sa.CheckConstraint('amount_refunded >= 0 AND amount_refunded <= amount', name=op.f('ck_gift_card_order_refunded')),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'refunded', 'expired', 'failed')",
            name=op.f('ck_gift_card_order_status'),
        ),
        sa.ForeignKeyConstraint(['gift_card_id'], ['gift_card.id'], name=op.f('fk_gift_card_order_gift_card_id_gift_card')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_card_order')),
        sa.UniqueConstraint('checkout_session_id', name=op.f('uq_gift_card_order_checkout_session_id')),
        sa.UniqueConstraint('token', name=op.f('uq_gift_card_order_token')),
    )

    op.add_column('clinic_settings', sa.Column('gift_card_amounts', sa.String(length=100), server_default='', nullable=False))
    op.add_column('clinic_settings', sa.Column('gift_card_min', sa.Integer(), server_default='2500', nullable=False))
    op.add_column('clinic_settings', sa.Column('gift_card_max', sa.Integer(), server_default='50000', nullable=False))
    op.add_column('clinic_settings', sa.Column('gift_card_expiry_months', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('gift_card_expiry_months')
        batch_op.drop_column('gift_card_max')
        batch_op.drop_column('gift_card_min')
        batch_op.drop_column('gift_card_amounts')
    op.drop_table('gift_card_order')
    with op.batch_alter_table('gift_card_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gift_card_entry_studio_payment_id'))
        batch_op.drop_index(batch_op.f('ix_gift_card_entry_payment_id'))
        batch_op.drop_index(batch_op.f('ix_gift_card_entry_gift_card_id'))
        batch_op.drop_index(batch_op.f('ix_gift_card_entry_appointment_id'))
    op.drop_table('gift_card_entry')
    with op.batch_alter_table('gift_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gift_card_recipient_email'))
        batch_op.drop_index(batch_op.f('ix_gift_card_buyer_email'))
    op.drop_table('gift_card')
