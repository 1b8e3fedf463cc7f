# Public dates keep the precision they are known with ("Oct 2021"), like the case's.
# Each old date becomes the same day at day precision, so nothing published changes;
# going back keeps the earliest day of a partial date.

import datetime

from django.db import migrations, models

import habeas.core.fields


def to_partial(apps, schema_editor):
    PublicProfile = apps.get_model("advocacy", "PublicProfile")
    PublicUpdate = apps.get_model("advocacy", "PublicUpdate")
    profiles = PublicProfile.objects.exclude(disappeared_on_date=None)
    for pk, day in profiles.values_list("pk", "disappeared_on_date"):
        PublicProfile.objects.filter(pk=pk).update(disappeared_on=day.isoformat())
    for pk, day in PublicUpdate.objects.values_list("pk", "happened_on_date"):
        PublicUpdate.objects.filter(pk=pk).update(happened_on=day.isoformat(), happened_from=day)


def to_days(apps, schema_editor):
    PublicProfile = apps.get_model("advocacy", "PublicProfile")
    PublicUpdate = apps.get_model("advocacy", "PublicUpdate")
    for profile in PublicProfile.objects.exclude(disappeared_on=""):
        profile.disappeared_on_date = profile.disappeared_on.lo
        profile.save(update_fields=["disappeared_on_date"])
    for pk, day in PublicUpdate.objects.values_list("pk", "happened_from"):
        PublicUpdate.objects.filter(pk=pk).update(happened_on_date=day)


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0003_intervention_close"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="publicupdate",
            options={"ordering": ["-id"]},
        ),
        migrations.RenameField(
            model_name="publicprofile", old_name="disappeared_on", new_name="disappeared_on_date"
        ),
        migrations.AddField(
            model_name="publicprofile",
            name="disappeared_on",
            field=habeas.core.fields.PartialDateField(
                blank=True,
                default="",
                help_text="Cleared date; the counter of days runs from its earliest possible day",
                verbose_name="disappeared on",
            ),
            preserve_default=False,
        ),
        migrations.RenameField(
            model_name="publicupdate", old_name="happened_on", new_name="happened_on_date"
        ),
        migrations.AddField(
            model_name="publicupdate",
            name="happened_on",
            field=habeas.core.fields.PartialDateField(default="", verbose_name="date"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="publicupdate",
            name="happened_from",
            field=models.DateField(default=datetime.date(1800, 1, 1), editable=False),
            preserve_default=False,
        ),
        # Nullable before it goes, so that going back can re-add it to existing rows.
        migrations.AlterField(
            model_name="publicupdate",
            name="happened_on_date",
            field=models.DateField(null=True, verbose_name="date"),
        ),
        migrations.RunPython(to_partial, to_days),
        migrations.RemoveField(model_name="publicprofile", name="disappeared_on_date"),
        migrations.RemoveField(model_name="publicupdate", name="happened_on_date"),
        migrations.AlterModelOptions(
            name="publicupdate",
            options={"ordering": ["-happened_from", "-id"]},
        ),
    ]
