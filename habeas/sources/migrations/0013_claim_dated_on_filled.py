# Data only (PostgreSQL refuses to ALTER a table with pending trigger events in the
# same transaction). Before claims had two dates, "received" stood for both; the
# counters read it as the information's date, so that is what it becomes.

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Claim = apps.get_model('sources', 'Claim')
    Claim.objects.using(db).filter(dated_on='').update(dated_on=F('received_on'))


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0012_claim_two_dates_and_relays'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
