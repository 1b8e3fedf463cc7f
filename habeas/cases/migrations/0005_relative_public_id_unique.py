import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_encrypt_existing_values'),
    ]

    operations = [
        migrations.AlterField(
            model_name='relative',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
