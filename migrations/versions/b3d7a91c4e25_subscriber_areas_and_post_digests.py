"""Subscriber areas and preferences, issues for chosen areas, new-post emails and digests

A subscriber picks the service areas they live in (`subscriber_area`) and how they hear of
new blog posts (`subscriber.post_updates`: none, as_published or weekly; everyone on the
list so far: none). An issue may be for chosen areas (`newsletter_issue_area`; none means
everyone). `post_alert` (one per subscriber and post) and `weekly_digest` (one per
subscriber and week) are unique, so nobody is sent a post or a week twice.

Revision ID: b3d7a91c4e25
Revises: 3b8d5e0c1a72
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d7a91c4e25'
down_revision = '3b8d5e0c1a72'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_updates', sa.String(length=20), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('post_updates_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            'post_updates', "post_updates IN ('none', 'as_published', 'weekly')"
        )

    op.create_table('subscriber_area',
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['service_area.id'], name=op.f('fk_subscriber_area_area_id_service_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_subscriber_area_subscriber_id_subscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscriber_id', 'area_id', name=op.f('pk_subscriber_area'))
    )
    with op.batch_alter_table('subscriber_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriber_area_area_id'), ['area_id'], unique=False)

    op.create_table('newsletter_issue_area',
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['service_area.id'], name=op.f('fk_newsletter_issue_area_area_id_service_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issue.id'], name=op.f('fk_newsletter_issue_area_issue_id_newsletter_issue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('issue_id', 'area_id', name=op.f('pk_newsletter_issue_area'))
    )

    op.create_table('post_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outbox_email_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('waiting', 'queued', 'skipped', 'withdrawn')", name=op.f('ck_post_alert_status')),
    sa.ForeignKeyConstraint(['outbox_email_id'], ['outbox_email.id'], name=op.f('fk_post_alert_outbox_email_id_outbox_email'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_alert_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_post_alert_subscriber_id_subscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_alert')),
    sa.UniqueConstraint('subscriber_id', 'post_id', name=op.f('uq_post_alert_subscriber_id'))
    )
    with op.batch_alter_table('post_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_alert_post_id'), ['post_id'], unique=False)
        batch_op.create_index('ix_post_alert_status', ['status'], unique=False)

    op.create_table('weekly_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('covers_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outbox_email_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('waiting', 'queued', 'skipped', 'withdrawn')", name=op.f('ck_weekly_digest_status')),
    sa.ForeignKeyConstraint(['outbox_email_id'], ['outbox_email.id'], name=op.f('fk_weekly_digest_outbox_email_id_outbox_email'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_weekly_digest_subscriber_id_subscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_digest')),
    sa.UniqueConstraint('subscriber_id', 'week_of', name=op.f('uq_weekly_digest_subscriber_id'))
    )
    with op.batch_alter_table('weekly_digest', schema=None) as batch_op:
        batch_op.create_index('ix_weekly_digest_status', ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('weekly_digest', schema=None) as batch_op:
        batch_op.drop_index('ix_weekly_digest_status')
    op.drop_table('weekly_digest')
    with op.batch_alter_table('post_alert', schema=None) as batch_op:
        batch_op.drop_index('ix_post_alert_status')
        batch_op.drop_index(batch_op.f('ix_post_alert_post_id'))
    op.drop_table('post_alert')
    op.drop_table('newsletter_issue_area')
    with op.batch_alter_table('subscriber_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriber_area_area_id'))
    op.drop_table('subscriber_area')
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_subscriber_post_updates'), type_='check')
        batch_op.drop_column('post_updates_since')
        batch_op.drop_column('post_updates')
