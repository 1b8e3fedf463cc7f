import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_personname_public_id_filled'),
    ]

    operations = [
        migrations.AlterField(
            model_name='personname',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name='historicalpersonname',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
