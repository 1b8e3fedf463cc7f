# Data only (PostgreSQL refuses to ALTER a table with pending trigger events in the
# same transaction): a distinct UUID for every link between claims made before it had one.

import uuid

from django.db import migrations

BATCH = 2000


def fill(model, db):
    pks = list(model.objects.using(db).filter(public_id=None).values_list('pk', flat=True))
    for start in range(0, len(pks), BATCH):
        rows = [model(pk=pk, public_id=uuid.uuid4()) for pk in pks[start:start + BATCH]]
        model.objects.using(db).bulk_update(rows, ['public_id'])


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    fill(apps.get_model('sources', 'ClaimLink'), db)


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0009_claimlink_public_id_added'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
