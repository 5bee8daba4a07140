"""Waitlist offers by text: the entry's consent to texts, and the queue of texts to send

Revision ID: c4d7e1a9f302
Revises: 5b8e2d4f7a19
Create Date: 2026-12-03 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d7e1a9f302'
down_revision = '5b8e2d4f7a19'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('waitlist_entry') as batch:
        batch.add_column(
            sa.Column('sms_consent', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column('sms_consent_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'outbox_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to', sa.String(length=20), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=300), nullable=False),
        sa.Column('provider_id', sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'skipped')",
            name=op.f('ck_outbox_text_status'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_text')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_text_key')),
    )
    op.create_index('ix_outbox_text_status_id', 'outbox_text', ['status', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_text_status_id', table_name='outbox_text')
    op.drop_table('outbox_text')
    with op.batch_alter_table('waitlist_entry') as batch:
        batch.drop_column('sms_consent_at')
        batch.drop_column('sms_consent')
