"""On PostgreSQL, the database itself refuses UPDATE and DELETE of audit entries (BO-5).

SQLite has no such enforcement beyond the chain; the verify command detects tampering on both.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION memberarea_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION memberarea_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS memberarea_audit_append_only();
"""


# params=None: the SQL goes to the server as written. With parameters (even none) Django runs it
# through psycopg's placeholder parser, which rejects the `%` of RAISE's format string.


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
