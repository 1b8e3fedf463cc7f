"""An index of the case–person link by person, then case: "is this person on a case the
reader may see" is answered from the index alone, without a read of the link's row for
its case (a name search asks it of every namesake: 1,800 for a surname alone at
100,000 cases). Django makes the link table itself (Case.people), so the index is
created here in SQL, the same on SQLite and PostgreSQL."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_person_display_name"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX case_people_person_case ON cases_case_people (person_id, case_id)",
            reverse_sql="DROP INDEX case_people_person_case",
        ),
    ]
