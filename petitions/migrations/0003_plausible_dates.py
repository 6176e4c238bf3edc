# The petition's dates take the plausible-date validator (members.dates.plausible_date: no year
# before 1900, nothing more than five years ahead), as the admin and any model form check them.
# No change in the database: the forms and services refuse implausible dates (issue 22), and rows
# saved before (01/01/0001, 31/12/9999) are left as they are; the pages cope with them.

import members.dates
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0002_constraint_messages'),
    ]

    operations = [
        migrations.AlterField(
            model_name='petition',
            name='answered_on',
            field=models.DateField(blank=True, null=True, validators=[members.dates.plausible_date], verbose_name='answered on'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='deadline',
            field=models.DateField(blank=True, null=True, validators=[members.dates.plausible_date], verbose_name='deadline'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='escalated_on',
            field=models.DateField(blank=True, null=True, validators=[members.dates.plausible_date], verbose_name='escalated on'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='raised_on',
            field=models.DateField(validators=[members.dates.plausible_date], verbose_name='raised on'),
        ),
    ]
