"""Clients: one row per person who books, and each appointment's client; existing
appointments get theirs (matched by normalised email, then phone)

Revision ID: c1e4a7b2d9f3
Revises: a3c5e7f9b1d2
Create Date: 2026-12-03 12:30:00

"""
from alembic import op
import phonenumbers
import sqlalchemy as sa
from datetime import datetime, timezone


# revision identifiers, used by Alembic.
revision = 'c1e4a7b2d9f3'
down_revision = 'b91cbf35896c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'client',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('email_key', sa.String(length=254), nullable=True),
        sa.Column('phone_key', sa.String(length=20), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client')),
    )
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_phone_key'), ['phone_key'], unique=False)

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointment_client_id'), ['client_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_appointment_client_id_client'), 'client', ['client_id'], ['id']
        )

    _clients_for_existing_appointments()


def _clients_for_existing_appointments():
    """The same rule as clinicsite/clients/matching.py, written out here so this migration
    does not change when the application code does."""
    conn = op.get_bind()
    country = conn.execute(sa.text("SELECT country FROM clinic_settings WHERE id = 1")).scalar()
    region = (country or "US").upper()
    client = sa.table(
        'client',
        sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('email', sa.String),
        sa.column('phone', sa.String), sa.column('email_key', sa.String),
        sa.column('phone_key', sa.String), sa.column('notes', sa.Text),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    rows = conn.execute(sa.text(
        "SELECT id, client_name, client_email, client_phone FROM appointment ORDER BY id"
    )).all()
    by_email, by_phone, emails_of, phones_of = {}, {}, {}, {}
    now = datetime.now(timezone.utc)
    if conn.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)
    for appointment_id, name, email, phone in rows:
        e_key = (email or "").strip().lower() or None
        p_key = _e164(phone, region)
        found = by_email.get(e_key) if e_key else None
        if found is None and p_key and p_key in by_phone:
            candidate = by_phone[p_key]
            if e_key is None or emails_of.get(candidate) is None:
                found = candidate
        if found is None:
            found = conn.execute(client.insert().values(
                name=(name or "")[:100], email=None, phone=None, email_key=None,
                phone_key=None, notes="", created_at=now,
            ).returning(client.c.id)).scalar()
            emails_of[found] = phones_of[found] = None
        if e_key and emails_of.get(found) is None:
            emails_of[found] = e_key
            by_email[e_key] = found
            conn.execute(client.update().where(client.c.id == found).values(
                email=email.strip(), email_key=e_key))
        if p_key and phones_of.get(found) is None:
            phones_of[found] = p_key
            by_phone.setdefault(p_key, found)
            conn.execute(client.update().where(client.c.id == found).values(
                phone=p_key, phone_key=p_key))
        conn.execute(sa.text("UPDATE appointment SET client_id = :c WHERE id = :a"),
                     {"c": found, "a": appointment_id})


def _e164(phone, region):
    try:
        number = phonenumbers.parse((phone or "").strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_client_id_client'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointment_client_id'))
        batch_op.drop_column('client_id')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_phone_key'))
        batch_op.drop_index(batch_op.f('ix_client_email_key'))

    op.drop_table('client')
