"""Newsletter: when each subscriber was sent the guide

Subscribers who confirmed before a guide existed are sent it once one is uploaded;
`guide_sent_at` records that it went, so it never goes twice. Subscribers who confirmed
while a guide existed had it in their welcome email: the upgrade marks them as sent.

Revision ID: e7b3f1a5c802
Revises: d4c1a7f0e924
Create Date: 2026-12-02 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3f1a5c802'
down_revision = 'd4c1a7f0e924'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guide_sent_at', sa.DateTime(timezone=True), nullable=True))
    # Guides are replaced, never deleted: one uploaded before the confirmation means the
    # welcome email carried a guide.
    op.execute(
        "UPDATE subscriber SET guide_sent_at = confirmed_at "
        "WHERE confirmed_at IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM lead_magnet WHERE lead_magnet.uploaded_at <= subscriber.confirmed_at)"
    )


def downgrade():
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_column('guide_sent_at')
