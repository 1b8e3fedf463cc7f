# Encryption at rest (docs/architecture.md): relatives get a public_id, which the
# encrypted contact is bound to. Three steps, as for any unique column added to a
# table that may have rows: add it nullable (every row gets the same default),
# give each row its own (0004), then make it unique (0005).

import uuid

from django.db import migrations, models

import habeas.core.encryption


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='relative',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='case',
            name='last_contact_message',
            field=habeas.core.encryption.EncryptedTextField(blank=True, max_length=5000, purpose='cases.case.last_contact_message', verbose_name='last contact: what was said'),
        ),
        migrations.AlterField(
            model_name='relative',
            name='contact',
            field=habeas.core.encryption.EncryptedTextField(blank=True, max_length=2000, purpose='cases.relative.contact', verbose_name='contact details'),
        ),
    ]
