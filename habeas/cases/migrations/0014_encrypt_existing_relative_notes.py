# Data only (apart from the schema change: PostgreSQL refuses to ALTER a table with
# pending trigger events in the same transaction): seals the relatives' notes written
# before they were confidential, in the history table too.

from django.conf import settings
from django.db import migrations

from habeas.core.encryption import seal_plaintext_column, unseal_column

MODELS = ('Relative', 'HistoricalRelative')


def forwards(apps, schema_editor):
    for name in MODELS:
        seal_plaintext_column(
            apps.get_model('cases', name), 'notes', settings.HABEAS_KEYRING,
            schema_editor.connection.alias,
        )


def backwards(apps, schema_editor):
    for name in MODELS:
        unseal_column(
            apps.get_model('cases', name), 'notes', settings.HABEAS_KEYRING,
            schema_editor.connection.alias,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_relative_notes_encrypted'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
