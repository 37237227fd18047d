"""A student number typed on a profile is a claim, confirmed only when the union's list
gives it with the account's email: numbers already typed start unconfirmed, and only
confirmed numbers are unique (unconfirmed claims may coexist: refusing one told anyone
which numbers exist). Union imports count the rows left to the committee."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_committee_changes_union_imports_site_texts"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="profile",
            name="profile_student_number_unique",
        ),
        migrations.AddField(
            model_name="profile",
            name="student_number_verified_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the students' union list gave this number with the account's email; empty: unconfirmed.",
                null=True,
                verbose_name="student number confirmed",
            ),
        ),
        migrations.AddField(
            model_name="unionlistimport",
            name="to_review",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Rows whose student number only an unconfirmed claim matched: left to the committee.",
            ),
        ),
        migrations.AddConstraint(
            model_name="profile",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("student_number", ""), _negated=True), ("student_number_verified_at__isnull", False)
                ),
                fields=("student_number",),
                name="profile_confirmed_student_number_unique",
            ),
        ),
    ]
