# The single claim and event an item once supported were copied into its claims and
# events (0006); every reader has moved to those, so the old links go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0006_items_links_filled'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='evidenceitem',
            name='claim',
        ),
        migrations.RemoveField(
            model_name='evidenceitem',
            name='event',
        ),
    ]
