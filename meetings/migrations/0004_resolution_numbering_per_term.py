"""Resolution numbers run through a committee term (HD 36-HD/VPTW): the commune records when
the term began (or numbers per calendar year), and each resolution keeps the first day of its
run, so the database refuses a repeated number within one run."""

import datetime

from django.db import migrations, models


def numbered_by_year(apps, schema_editor):
    # Until now numbers ran per calendar year: each resolution's run began on 1 January.
    Resolution = apps.get_model("meetings", "Resolution")
    for resolution in Resolution._default_manager.all().only("pk", "year"):
        Resolution._default_manager.filter(pk=resolution.pk).update(series_start=datetime.date(resolution.year, 1, 1))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_petitions_agenda_item"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingrules",
            name="term_started_on",
            field=models.DateField(
                blank=True,
                help_text=(
                    "Resolution numbers start again from 01 on this day. Leave empty to number per calendar year."
                ),
                null=True,
                verbose_name="current committee term began on",
            ),
        ),
        migrations.AddField(
            model_name="meetingrules",
            name="number_by_year",
            field=models.BooleanField(
                default=False,
                help_text="Only if the commune decided so; otherwise numbers run through the committee term.",
                verbose_name="number resolutions per calendar year",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingrules",
            name="term_started_on",
            field=models.DateField(
                blank=True,
                help_text=(
                    "Resolution numbers start again from 01 on this day. Leave empty to number per calendar year."
                ),
                null=True,
                verbose_name="current committee term began on",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeetingrules",
            name="number_by_year",
            field=models.BooleanField(
                default=False,
                help_text="Only if the commune decided so; otherwise numbers run through the committee term.",
                verbose_name="number resolutions per calendar year",
            ),
        ),
        migrations.AddField(
            model_name="resolution",
            name="series_start",
            field=models.DateField(null=True, verbose_name="numbered from"),
        ),
        migrations.AddField(
            model_name="historicalresolution",
            name="series_start",
            field=models.DateField(null=True, verbose_name="numbered from"),
        ),
        migrations.RunPython(numbered_by_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="resolution",
            name="series_start",
            field=models.DateField(verbose_name="numbered from"),
        ),
        migrations.AlterField(
            model_name="historicalresolution",
            name="series_start",
            field=models.DateField(verbose_name="numbered from"),
        ),
        migrations.RemoveConstraint(
            model_name="resolution",
            name="resolution_unique_number_per_branch_year",
        ),
        migrations.AddConstraint(
            model_name="resolution",
            constraint=models.UniqueConstraint(
                fields=("branch", "series_start", "number"),
                name="resolution_unique_number_per_branch_term",
                violation_error_message="The branch already has a resolution with this number in this term.",
            ),
        ),
    ]
