# Data only (kept apart from schema changes: PostgreSQL refuses to ALTER a table
# with pending trigger events in the same transaction). Gives every relative its
# own public_id, then encrypts values written before encryption existed.

import uuid

from django.conf import settings
from django.db import migrations

from habeas.core.encryption import seal_plaintext_column, unseal_column


def forwards(apps, schema_editor):
    Relative = apps.get_model('cases', 'Relative')
    for pk in Relative.objects.using(schema_editor.connection.alias).values_list('pk', flat=True):
        Relative.objects.using(schema_editor.connection.alias).filter(pk=pk).update(
            public_id=uuid.uuid4()
        )
    ring = settings.HABEAS_KEYRING
    using = schema_editor.connection.alias
    seal_plaintext_column(apps.get_model('cases', 'Case'), 'last_contact_message', ring, using)
    seal_plaintext_column(Relative, 'contact', ring, using)


def backwards(apps, schema_editor):
    ring = settings.HABEAS_KEYRING
    using = schema_editor.connection.alias
    unseal_column(apps.get_model('cases', 'Case'), 'last_contact_message', ring, using)
    unseal_column(apps.get_model('cases', 'Relative'), 'contact', ring, using)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_relative_public_id_encrypted_fields'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
