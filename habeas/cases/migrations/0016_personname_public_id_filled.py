# Data only (PostgreSQL refuses to ALTER a table with pending trigger events in the
# same transaction): a distinct UUID for every spelling of a name made before it had
# one, and the same UUID on the history rows of that spelling.

import uuid

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 2000


def fill(model, db):
    pks = list(model.objects.using(db).filter(public_id=None).values_list('pk', flat=True))
    for start in range(0, len(pks), BATCH):
        rows = [model(pk=pk, public_id=uuid.uuid4()) for pk in pks[start:start + BATCH]]
        model.objects.using(db).bulk_update(rows, ['public_id'])


def fill_history(history, live, db):
    """A history row carries the public id of the name it records; rows of a name
    since removed share one new id."""
    history.objects.using(db).filter(public_id=None).update(
        public_id=Subquery(live.objects.filter(pk=OuterRef('id')).values('public_id')[:1])
    )
    orphans = history.objects.using(db).filter(public_id=None)
    # order_by(): the history's default ordering would take part in DISTINCT.
    for name_id in list(orphans.order_by().values_list('id', flat=True).distinct()):
        orphans.filter(id=name_id).update(public_id=uuid.uuid4())


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    fill(apps.get_model('cases', 'PersonName'), db)
    fill_history(
        apps.get_model('cases', 'HistoricalPersonName'), apps.get_model('cases', 'PersonName'), db
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_personname_public_id_added'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
