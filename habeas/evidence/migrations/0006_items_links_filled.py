# Data only: the one claim and one event an item supported become the first of
# its claims and events.

from django.db import migrations


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Item = apps.get_model('evidence', 'EvidenceItem')
    Claims = Item.claims.through
    Events = Item.events.through
    items = Item.objects.using(db)
    Claims.objects.using(db).bulk_create(
        [Claims(evidenceitem_id=pk, claim_id=claim) for pk, claim in
         items.exclude(claim=None).values_list('pk', 'claim_id')]
    )
    Events.objects.using(db).bulk_create(
        [Events(evidenceitem_id=pk, event_id=event) for pk, event in
         items.exclude(event=None).values_list('pk', 'event_id')]
    )


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0005_items_support_many_and_are_dated'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
