"""Reminder rules, every reminder sent once, text-message consent and STOP

The one day-before email the site sent until now becomes the first rule (24 hours
before, by email); quiet hours default to 21:00-08:00. Appointments get the client's
consent to texts and the time they were last moved.

Revision ID: 5b8e2d4f7a19
Revises: a3c5e7f9b1d2
Create Date: 2026-12-03 12:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2d4f7a19'
down_revision = 'b8e2d4f6a1c3'
branch_labels = None
depends_on = None


def upgrade():
    rule = op.create_table(
        'reminder_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hours_before', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'hours_before >= 1 AND hours_before <= 336',
            name=op.f('ck_reminder_rule_hours_before'),
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'sms')", name=op.f('ck_reminder_rule_channel')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_rule')),
        sa.UniqueConstraint(
            'hours_before', 'channel', name=op.f('uq_reminder_rule_hours_before')
        ),
    )
    op.create_table(
        'reminder_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=False),
        sa.Column('provider_id', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('sending', 'sent', 'failed')", name=op.f('ck_reminder_sent_status')
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'sms')", name=op.f('ck_reminder_sent_channel')
        ),
        sa.ForeignKeyConstraint(
            ['appointment_id'], ['appointment.id'],
            name=op.f('fk_reminder_sent_appointment_id_appointment'),
        ),
        sa.ForeignKeyConstraint(
            ['rule_id'], ['reminder_rule.id'],
            name=op.f('fk_reminder_sent_rule_id_reminder_rule'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
        sa.UniqueConstraint(
            'appointment_id', 'rule_id', 'starts_at',
            name=op.f('uq_reminder_sent_appointment_id'),
        ),
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_reminder_sent_appointment_id'), ['appointment_id'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_reminder_sent_sent_at'), ['sent_at'], unique=False)
    op.create_table(
        'sms_opt_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('keyword', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_opt_out')),
        sa.UniqueConstraint('phone', name=op.f('uq_sms_opt_out_phone')),
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('sms_consent', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('sms_consent_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('moved_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quiet_start', sa.Time(), server_default='21:00:00', nullable=False)
        )
        batch_op.add_column(
            sa.Column('quiet_end', sa.Time(), server_default='08:00:00', nullable=False)
        )
    # The day-before email every appointment had until now.
    op.bulk_insert(
        rule,
        [{'hours_before': 24, 'channel': 'email', 'active': True,
          'created_at': datetime.now(UTC)}],
    )
    # Appointments the old job already reminded count as sent by that rule, so nobody gets
    # the day-before email twice across the upgrade. (Visits recorded afterwards carry a
    # reminder_queued_at after their start: they were never reminded.)
    op.execute(
        "INSERT INTO reminder_sent (appointment_id, rule_id, channel, starts_at, status, "
        "recipient, error, provider_id, sent_at) "
        "SELECT appointment.id, reminder_rule.id, 'email', appointment.starts_at, 'sent', "
        "appointment.client_email, '', '', appointment.reminder_queued_at "
        "FROM appointment JOIN reminder_rule "
        "ON reminder_rule.hours_before = 24 AND reminder_rule.channel = 'email' "
        "WHERE appointment.reminder_queued_at IS NOT NULL "
        "AND appointment.reminder_queued_at < appointment.starts_at"
    )


def downgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('quiet_end')
        batch_op.drop_column('quiet_start')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('moved_at')
        batch_op.drop_column('sms_consent_at')
        batch_op.drop_column('sms_consent')
    op.drop_table('sms_opt_out')
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_sent_sent_at'))
        batch_op.drop_index(batch_op.f('ix_reminder_sent_appointment_id'))
    op.drop_table('reminder_sent')
    op.drop_table('reminder_rule')
