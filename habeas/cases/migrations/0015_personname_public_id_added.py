# A public id for URLs, in three steps (Django's way for a unique field on a table
# with rows): added empty here, filled with a distinct UUID per row in 0016_personname_public_id_filled, made
# unique and required in 0017_personname_public_id_unique.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_encrypt_existing_relative_notes'),
    ]

    operations = [
        migrations.AddField(
            model_name='personname',
            name='public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalpersonname',
            name='public_id',
            field=models.UUIDField(db_index=True, editable=False, null=True),
        ),
    ]
