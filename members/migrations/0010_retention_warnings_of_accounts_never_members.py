"""Accounts that never held a membership are warned, then anonymised, by the retention
rules too: their warning has no membership year, and there is one at most."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_student_numbers_confirmed_by_union_list"),
    ]

    operations = [
        migrations.AlterField(
            model_name="retentionwarning",
            name="for_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The year it starts in: 2026 means 2026/27. Empty: the account never held a membership.",
                null=True,
                verbose_name="last membership year",
            ),
        ),
        migrations.AddConstraint(
            model_name="retentionwarning",
            constraint=models.UniqueConstraint(
                condition=models.Q(("for_year__isnull", True)),
                fields=("user",),
                name="retention_warning_once_if_never_a_member",
            ),
        ),
    ]
