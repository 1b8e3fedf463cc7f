# Data only: a search by the family was the one kind counted as a step taken to
# find the person; it stays one, now as the event's own flag.

from django.db import migrations


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Event = apps.get_model('cases', 'Event')
    Event.objects.using(db).filter(kind='family_search').update(search_step=True)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0018_real_case_fields'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
