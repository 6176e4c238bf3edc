# The constraints say what is wrong in words a user reads (translated), instead of Django's
# "Constraint “name” is violated.". Only the message changes: nothing in the database.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_scale_indexes"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='cadreassignment',
            name='assignment_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='assignment_ends_after_start', violation_error_message='An assignment cannot end before it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='meeting',
            name='meeting_planned_order',
            constraint=models.CheckConstraint(condition=models.Q(('planned_end__gt', models.F('planned_start'))), name='meeting_planned_order', violation_error_message='The meeting must end after it starts.'),
        ),
        migrations.AlterConstraint(
            model_name='meeting',
            name='meeting_actual_order',
            constraint=models.CheckConstraint(condition=models.Q(('actual_end__isnull', True), ('actual_start__isnull', True), ('actual_end__gt', models.F('actual_start')), _connector='OR'), name='meeting_actual_order', violation_error_message='The meeting must end after it starts.'),
        ),
    ]
