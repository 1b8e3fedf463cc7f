"""Until now "may be named publicly" was also read as "its information may go
public" (documents, clearance help). A source that had it keeps both, so no
document changes by the upgrade; caseworkers untick "may be named" where only the
information was meant."""

from django.db import migrations


def fill(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    Source.objects.filter(consent_named_publicly=True).update(consent_information_public=True)


class Migration(migrations.Migration):
    dependencies = [("sources", "0014_consent_split_outside_wording")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
