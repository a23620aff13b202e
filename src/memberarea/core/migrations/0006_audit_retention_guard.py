"""On PostgreSQL, the retention job's cut is the one DELETE of audit entries the database lets through.

The trigger of 0002 refused every UPDATE and DELETE. It now lets a DELETE of an entry through when
the transaction has named a checkpoint (the transaction-local setting `memberarea.audit_cut`, which
`audit_cut` sets and clears), that checkpoint is already written, and the entry lies at or before it:
so entries only go behind a checkpoint, oldest first. UPDATE stays refused, and checkpoints
themselves can be neither changed nor deleted (decision 0041).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION memberarea_audit_append_only() RETURNS trigger AS $$
DECLARE
    cut text := current_setting('memberarea.audit_cut', true);
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'core_auditentry' AND coalesce(cut, '') <> '' THEN
        IF OLD.seq <= cut::bigint AND EXISTS (SELECT 1 FROM core_auditcut WHERE seq = cut::bigint) THEN
            RETURN OLD;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'core_auditcut' THEN
        RAISE EXCEPTION 'audit checkpoints are append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditcut_append_only
    BEFORE UPDATE OR DELETE ON core_auditcut
    FOR EACH ROW EXECUTE FUNCTION memberarea_audit_append_only();
"""
# Back to 0002's function: every UPDATE and DELETE of an entry refused.
DROP = """
DROP TRIGGER IF EXISTS core_auditcut_append_only ON core_auditcut;
CREATE OR REPLACE FUNCTION memberarea_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


# params=None, as in 0002: the `%` of RAISE's format string must reach the server untouched.


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_auditcut")]
    operations = [migrations.RunPython(forwards, backwards)]
