import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0010_claimlink_public_id_filled'),
    ]

    operations = [
        migrations.AlterField(
            model_name='claimlink',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
