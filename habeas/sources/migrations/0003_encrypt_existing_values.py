# Data only: encrypts identities and contacts written before encryption existed.

from django.conf import settings
from django.db import migrations

from habeas.core.encryption import seal_plaintext_column, unseal_column


def forwards(apps, schema_editor):
    Source = apps.get_model('sources', 'Source')
    for name in ('identity', 'contact'):
        seal_plaintext_column(Source, name, settings.HABEAS_KEYRING, schema_editor.connection.alias)


def backwards(apps, schema_editor):
    Source = apps.get_model('sources', 'Source')
    for name in ('identity', 'contact'):
        unseal_column(Source, name, settings.HABEAS_KEYRING, schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0002_encrypted_identity_contact'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
