# A public id for URLs, in three steps (Django's way for a unique field on a table
# with rows): added empty here, filled with a distinct UUID per row in 0008_user_public_id_filled, made
# unique and required in 0009_user_public_id_unique.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_totp_secret_set_up_in_the_session'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
    ]
