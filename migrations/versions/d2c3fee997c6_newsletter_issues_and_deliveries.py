"""Newsletter issues, one delivery row per subscriber, and hard bounces

Editors write issues (Markdown stored with its rendered HTML) and schedule them;
`flask newsletter send-due` records one `newsletter_delivery` per (issue, subscriber),
unique, so nobody is sent an issue twice. `outbox_email.bounced_at` records a hard bounce
(an SMTP 5xx at delivery); `subscriber.bounced_at` stops further issues to that address.

Revision ID: d2c3fee997c6
Revises: a5c9e0d13b77
Create Date: 2026-12-03 18:56:11.784424

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2c3fee997c6'
down_revision = 'a5c9e0d13b77'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newsletter_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), server_default='', nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'scheduled', 'sending', 'sent')", name=op.f('ck_newsletter_issue_status')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_newsletter_issue_service_id_service'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_issue'))
    )
    with op.batch_alter_table('newsletter_issue', schema=None) as batch_op:
        batch_op.create_index('ix_newsletter_issue_due', ['status', 'send_at'], unique=False)

    op.create_table('newsletter_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outbox_email_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('waiting', 'queued', 'skipped', 'withdrawn')", name=op.f('ck_newsletter_delivery_status')),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issue.id'], name=op.f('fk_newsletter_delivery_issue_id_newsletter_issue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_email_id'], ['outbox_email.id'], name=op.f('fk_newsletter_delivery_outbox_email_id_outbox_email'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_newsletter_delivery_subscriber_id_subscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_delivery')),
    sa.UniqueConstraint('issue_id', 'subscriber_id', name=op.f('uq_newsletter_delivery_issue_id'))
    )
    with op.batch_alter_table('newsletter_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_delivery_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index('ix_newsletter_delivery_waiting', ['issue_id', 'status'], unique=False)

    op.create_table('newsletter_issue_post',
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issue.id'], name=op.f('fk_newsletter_issue_post_issue_id_newsletter_issue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_newsletter_issue_post_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('issue_id', 'post_id', name=op.f('pk_newsletter_issue_post'))
    )
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounced_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_email_bounced_at', ['bounced_at'], unique=False)

    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounced_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_column('bounced_at')

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_email_bounced_at')
        batch_op.drop_column('bounced_at')

    op.drop_table('newsletter_issue_post')
    with op.batch_alter_table('newsletter_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_newsletter_delivery_waiting')
        batch_op.drop_index(batch_op.f('ix_newsletter_delivery_subscriber_id'))

    op.drop_table('newsletter_delivery')
    with op.batch_alter_table('newsletter_issue', schema=None) as batch_op:
        batch_op.drop_index('ix_newsletter_issue_due')

    op.drop_table('newsletter_issue')
