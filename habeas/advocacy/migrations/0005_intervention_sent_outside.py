# An intervention sent before the case was in Habeas (a UN submission on paper years
# ago) is recorded as sent without a snapshot; existing rows were all sent from here.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0004_public_partial_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="sent_outside",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="sent outside Habeas"
            ),
        ),
    ]
