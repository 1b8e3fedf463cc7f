# Encryption at rest (docs/architecture.md) of source identity and contact; values
# already in the table are encrypted by 0003.

from django.db import migrations

import habeas.core.encryption


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='source',
            name='contact',
            field=habeas.core.encryption.EncryptedTextField(blank=True, max_length=2000, purpose='sources.source.contact', verbose_name='how to reach them'),
        ),
        migrations.AlterField(
            model_name='source',
            name='identity',
            field=habeas.core.encryption.EncryptedTextField(blank=True, max_length=2000, purpose='sources.source.identity', verbose_name='who the source is'),
        ),
    ]
