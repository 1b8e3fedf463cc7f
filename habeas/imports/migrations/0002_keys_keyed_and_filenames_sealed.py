"""ImportedRecord.key was the external id in clear ("id:17") or the unkeyed SHA-256 of a
row's cells ("row:<hex>"): with a copy of the database and a spreadsheet, anyone could
confirm which of its rows an organisation imported. It becomes an HMAC-SHA-256 under a
key derived from the key ring (habeas.imports.plan.row_keys), computed here from what
is stored (the id's SHA-256, or the row's hash itself), so that re-importing a file
imported before the upgrade still finds its rows. The names of uploaded and imported
files, which can name a source, are sealed (EncryptedTextField)."""

import hashlib
import hmac

import habeas.core.encryption
from django.db import migrations

KEY_PURPOSE = "imports-row-v1"  # as habeas.imports.plan.KEY_PURPOSE


def keyed(old: str, key: bytes) -> str:
    """The key plan.row_keys gives the row an old key stood for."""
    kind, _colon, value = old.partition(":")
    if kind == "id":
        value = hashlib.sha256(old.encode()).hexdigest()  # row_digest of "id:" + the id
    return f"{kind}:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def key_the_row_keys(apps, schema_editor):
    from habeas.core.encryption import keyring

    record = apps.get_model("imports", "ImportedRecord")
    if not record.objects.exists():
        return
    key = keyring().derive(KEY_PURPOSE)
    for row in record.objects.only("id", "key").iterator():
        record.objects.filter(pk=row.pk).update(key=keyed(row.key, key))


def seal_the_names_kept_in_clear(apps, schema_editor):
    # The columns held plain names; read them raw (the fields now expect sealed values)
    # and save them through the field, which seals each bound to its row.
    for name in ("ImportBatch", "ImportUpload"):
        model = apps.get_model("imports", name)
        table = schema_editor.quote_name(model._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT id, filename FROM {table} WHERE filename <> ''")  # noqa: S608
            rows = cursor.fetchall()
        for pk, filename in rows:
            row = model.objects.only("id", "public_id").get(pk=pk)
            row.filename = filename
            row.save(update_fields=["filename"])


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="filename",
            field=habeas.core.encryption.EncryptedTextField(
                blank=True, max_length=255, purpose="imports.batch.filename"
            ),
        ),
        migrations.AlterField(
            model_name="importupload",
            name="filename",
            field=habeas.core.encryption.EncryptedTextField(
                max_length=255, purpose="imports.upload.filename"
            ),
        ),
        migrations.RunPython(seal_the_names_kept_in_clear, migrations.RunPython.noop),
        migrations.RunPython(key_the_row_keys, migrations.RunPython.noop),
    ]
