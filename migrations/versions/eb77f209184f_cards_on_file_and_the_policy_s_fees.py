"""Cards on file and the policy's fees: the settings, the card on the client, the
client's agreement, the checkouts that save a card and the fees charged to it

Revision ID: eb77f209184f
Revises: 7f3e2a91c4b8
Create Date: 2026-12-03 15:28:59.900303

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eb77f209184f'
down_revision = '7f3e2a91c4b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('card_setup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
    sa.Column('checkout_url', sa.String(length=2000), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('new', 'pending', 'saved', 'expired')", name=op.f('ck_card_setup_status')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_card_setup_appointment_id_appointment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_setup')),
    sa.UniqueConstraint('checkout_session_id', name=op.f('uq_card_setup_checkout_session_id')),
    sa.UniqueConstraint('token', name=op.f('uq_card_setup_token'))
    )
    with op.batch_alter_table('card_setup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_setup_appointment_id'), ['appointment_id'], unique=False)

    op.create_table('fee_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('amount_refunded', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('card', sa.String(length=60), nullable=False),
    sa.Column('charged_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('no_show', 'late_cancel')", name=op.f('ck_fee_charge_kind')),
    sa.CheckConstraint("status IN ('pending', 'succeeded', 'declined', 'requires_action', 'failed')", name=op.f('ck_fee_charge_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_fee_charge_amount')),
    sa.CheckConstraint('amount_refunded >= 0 AND amount_refunded <= amount', name=op.f('ck_fee_charge_refunded')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_fee_charge_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['charged_by_id'], ['staff_user.id'], name=op.f('fk_fee_charge_charged_by_id_staff_user')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_fee_charge_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_charge')),
    sa.UniqueConstraint('token', name=op.f('uq_fee_charge_token'))
    )
    with op.batch_alter_table('fee_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_charge_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_charge_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_charge_payment_intent_id'), ['payment_intent_id'], unique=False)

    op.create_table('fee_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('no_show_fee', sa.Integer(), nullable=False),
    sa.Column('late_cancel_fee', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.CheckConstraint('no_show_fee >= 0 AND late_cancel_fee >= 0', name=op.f('ck_fee_consent_fees')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_fee_consent_appointment_id_appointment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_consent')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_fee_consent_appointment_id'))
    )
    op.create_table('fee_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fee_charge_id', sa.Integer(), nullable=False),
    sa.Column('provider_refund_id', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('refunded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_fee_refund_amount')),
    sa.ForeignKeyConstraint(['fee_charge_id'], ['fee_charge.id'], name=op.f('fk_fee_refund_fee_charge_id_fee_charge')),
    sa.ForeignKeyConstraint(['refunded_by_id'], ['staff_user.id'], name=op.f('fk_fee_refund_refunded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_refund')),
    sa.UniqueConstraint('provider_refund_id', name=op.f('uq_fee_refund_provider_refund_id'))
    )
    with op.batch_alter_table('fee_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_refund_fee_charge_id'), ['fee_charge_id'], unique=False)

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stripe_customer_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('card_payment_method_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('card_brand', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('card_last4', sa.String(length=4), server_default='', nullable=False))
        batch_op.add_column(sa.Column('card_exp_month', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('card_exp_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('card_saved_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cards_on_file', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('no_show_fee', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('late_cancel_fee', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            batch_op.f('ck_clinic_settings_fees'), 'no_show_fee >= 0 AND late_cancel_fee >= 0'
        )



def downgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_clinic_settings_fees'), type_='check')
        batch_op.drop_column('late_cancel_fee')
        batch_op.drop_column('no_show_fee')
        batch_op.drop_column('cards_on_file')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('card_saved_at')
        batch_op.drop_column('card_exp_year')
        batch_op.drop_column('card_exp_month')
        batch_op.drop_column('card_last4')
        batch_op.drop_column('card_brand')
        batch_op.drop_column('card_payment_method_id')
        batch_op.drop_column('stripe_customer_id')

    with op.batch_alter_table('fee_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_refund_fee_charge_id'))

    op.drop_table('fee_refund')
    op.drop_table('fee_consent')
    with op.batch_alter_table('fee_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_charge_payment_intent_id'))
        batch_op.drop_index(batch_op.f('ix_fee_charge_client_id'))
        batch_op.drop_index(batch_op.f('ix_fee_charge_appointment_id'))

    op.drop_table('fee_charge')
    with op.batch_alter_table('card_setup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_setup_appointment_id'))

    op.drop_table('card_setup')
