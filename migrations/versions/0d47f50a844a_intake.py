"""Intake questions per service, versioned consent texts, therapist qualifications

The booking form's three fixed health questions become the first rows, so a clinic that
upgrades keeps asking them (bookings made before keep their answers as they were).

Revision ID: 0d47f50a844a
Revises: b3d7a91c4e25
Create Date: 2026-12-04 14:56:17.400911

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0d47f50a844a'
down_revision = 'b3d7a91c4e25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_text')),
    sa.UniqueConstraint('version', name=op.f('uq_consent_text_version'))
    )
    op.create_table('intake_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('help', sa.String(length=500), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('shown_if_id', sa.Integer(), nullable=True),
    sa.Column('shown_if_answer', sa.String(length=200), nullable=False),
    sa.Column('routes_answer', sa.String(length=200), nullable=False),
    sa.Column('routes_tag', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('text', 'choice', 'yesno', 'date')", name=op.f('ck_intake_question_kind')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_intake_question_service_id_service')),
    sa.ForeignKeyConstraint(['shown_if_id'], ['intake_question.id'], name=op.f('fk_intake_question_shown_if_id_intake_question'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_question')),
    sa.UniqueConstraint('key', name=op.f('uq_intake_question_key'))
    )
    with op.batch_alter_table('intake_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_question_service_id'), ['service_id'], unique=False)

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_text_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_appointment_consent_text_id_consent_text'), 'consent_text', ['consent_text_id'], ['id'])

    with op.batch_alter_table('therapist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qualifications', sa.String(length=200), server_default='', nullable=False))

    questions = sa.table(
        'intake_question',
        sa.column('key', sa.String), sa.column('kind', sa.String), sa.column('label', sa.String),
        sa.column('help', sa.String), sa.column('options', sa.JSON), sa.column('required', sa.Boolean),
        sa.column('position', sa.Integer), sa.column('active', sa.Boolean),
        sa.column('shown_if_answer', sa.String), sa.column('routes_answer', sa.String),
        sa.column('routes_tag', sa.String), sa.column('created_at', sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    common = dict(active=True, shown_if_answer='', routes_answer='', routes_tag='', created_at=now)
    op.bulk_insert(questions, [
        dict(key='pain', kind='text', label='Current pain or injury',
             help='Where it hurts, since when, what makes it worse.', options=[],
             required=False, position=1, **common),
        dict(key='conditions', kind='text',
             label='Health conditions or medication your therapist should know about',
             help='', options=[], required=False, position=2, **common),
        dict(key='pregnant', kind='choice', label='Are you pregnant?', help='',
             options=['No', 'Yes', 'Not applicable'], required=True, position=3, **common),
    ])



def downgrade():
    # recreate='never': recreating `therapist` would drop a table other rows point to.
    with op.batch_alter_table('therapist', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('qualifications')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_consent_text_id_consent_text'), type_='foreignkey')
        batch_op.drop_column('consent_text_id')

    with op.batch_alter_table('intake_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_question_service_id'))

    op.drop_table('intake_question')
    op.drop_table('consent_text')
