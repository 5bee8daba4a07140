"""Markdown shown on public pages is stored rendered, beside its source

Services' descriptions, areas' introductions, the texts of an area's service pages,
therapists' biographies and the clinic's "about" text each get an `<name>_html` column,
which the models fill whenever the Markdown is set (clinicsite/models/markdown.py); pages
print it instead of rendering the Markdown on every request (issue 11). The upgrade renders
the rows already there.

It renders with the application's own `clinicsite.text.render_markdown`, unlike migrations
that stay clear of application code: the stored HTML must be exactly what the site would
produce and sanitize today. It reads and writes rows, so it runs online only (not --sql).

Revision ID: 2c391f7a5357
Revises: e7b3f1a5c802
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa

from clinicsite.text import render_markdown


# revision identifiers, used by Alembic.
revision = '2c391f7a5357'
down_revision = 'e7b3f1a5c802'
branch_labels = None
depends_on = None

# table, its primary key, the Markdown column, the column of its HTML
COLUMNS = (
    ('service', ('id',), 'description', 'description_html'),
    ('service_area', ('id',), 'intro', 'intro_html'),
    ('area_service', ('area_id', 'service_id'), 'body', 'body_html'),
    ('therapist', ('id',), 'bio', 'bio_html'),
    ('clinic_settings', ('id',), 'about', 'about_html'),
)


def upgrade():
    for table, _key, _source, html in COLUMNS:
        # NOT NULL with a server default: a plain ALTER TABLE ADD COLUMN on SQLite too.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(html, sa.Text(), server_default='', nullable=False))

    conn = op.get_bind()
    for table, key, source, html in COLUMNS:
        # A lightweight table: no onupdate, so updated_at (the sitemap's lastmod) stays.
        rows = sa.table(table, *(sa.column(name) for name in (*key, source, html)))
        written = conn.execute(sa.select(rows).where(rows.c[source] != '')).mappings().all()
        for row in written:
            conn.execute(
                sa.update(rows)
                .where(*(rows.c[name] == row[name] for name in key))
                .values({html: str(render_markdown(row[source]))})
            )


def downgrade():
    # recreate='never': SQLite 3.35+ drops a column in place. Recreating `service` or
    # `therapist` (batch mode's default there) would drop a table other rows point to,
    # which the app's PRAGMA foreign_keys=ON refuses.
    for table, _key, _source, html in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column(html)
