# The constraints say what is wrong in words a user reads (translated), instead of Django's
# "Constraint “name” is violated.". Only the message changes: nothing in the database.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_accounts"),
    ]

    operations = [
migrations.AlterConstraint(
            model_name='member',
            name='member_leaving_has_date_and_reason',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('leave_reason', ''), ('left_on__isnull', True)), models.Q(('left_on__isnull', False), models.Q(('leave_reason', ''), _negated=True)), _connector='OR'), name='member_leaving_has_date_and_reason', violation_error_message='A member who leaves needs both the date and the reason.'),
        ),
        migrations.AlterConstraint(
            model_name='member',
            name='member_citizen_id_12_digits',
            constraint=models.CheckConstraint(condition=models.Q(('citizen_id', ''), ('citizen_id__regex', '^[0-9]{12}$'), _connector='OR'), name='member_citizen_id_12_digits', violation_error_message='A citizen ID has exactly 12 digits.'),
        ),
        migrations.AlterConstraint(
            model_name='organization',
            name='organization_meeting_day_range',
            constraint=models.CheckConstraint(condition=models.Q(('meeting_day__isnull', True), models.Q(('meeting_day__gte', 1), ('meeting_day__lte', 31)), _connector='OR'), name='organization_meeting_day_range', violation_error_message='The meeting day must be between 1 and 31.'),
        ),
        migrations.AlterConstraint(
            model_name='organization',
            name='organization_one_meeting_rule',
            constraint=models.CheckConstraint(condition=models.Q(('meeting_day__isnull', True), ('meeting_weekday__isnull', True), _connector='OR'), name='organization_one_meeting_rule', violation_error_message='Give either a day of the month or a weekday for the meeting, not both.'),
        ),
        migrations.AlterConstraint(
            model_name='organization',
            name='organization_weekday_with_week',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('meeting_week__isnull', True), ('meeting_weekday__isnull', True)), models.Q(('meeting_week__isnull', False), ('meeting_weekday__isnull', False)), _connector='OR'), name='organization_weekday_with_week', violation_error_message='A meeting weekday needs its week of the month, and a week needs its weekday.'),
        ),
        migrations.AlterConstraint(
            model_name='organization',
            name='organization_branch_type_only_for_branches',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'branch'), ('branch_type', ''), _connector='OR'), name='organization_branch_type_only_for_branches', violation_error_message='Only a party branch has a branch type.'),
        ),
        migrations.AlterConstraint(
            model_name='position',
            name='position_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='position_ends_after_start', violation_error_message='A position cannot end before it starts.'),
        ),
    ]
