# A public id for URLs, in three steps (Django's way for a unique field on a table
# with rows): added empty here, filled with a distinct UUID per row in 0010_claimlink_public_id_filled, made
# unique and required in 0011_claimlink_public_id_unique.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0008_history_notes'),
    ]

    operations = [
        migrations.AddField(
            model_name='claimlink',
            name='public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
    ]
