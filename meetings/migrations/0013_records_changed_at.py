"""When a meeting's records and a cadre assignment last changed (oversight compares them with its
summaries). Rows that exist get a moment long past, not the upgrade's: they have not changed since
the summaries were last computed, and the first runs after the upgrade would otherwise recompute
every month that ever had a meeting."""

import datetime

import django.utils.timezone
from django.db import migrations, models

LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0012_guard_default_manager'),
        ('members', '0011_guard_default_manager'),
    ]

    operations = [
        migrations.AddField(
            model_name='cadreassignment',
            name='changed_at',
            field=models.DateTimeField(auto_now=True, default=LONG_AGO, verbose_name='changed at'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='meeting',
            name='records_changed_at',
            field=models.DateTimeField(default=LONG_AGO, editable=False, verbose_name='records changed at'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='meeting',
            name='records_changed_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='records changed at'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['records_changed_at'], name='meeting_records_changed'),
        ),
    ]
