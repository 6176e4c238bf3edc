"""A petition's long texts are bounded (issue 22): its content, answer and reason, and a timeline
entry's text, 20,000 characters each, by the forms and by check constraints.

Texts already longer (only fuzzing ever wrote one) are cut to the bound first, so the check
constraints can be added.
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


# (model, field, bound) as stored; a migration does not import the models' constants.
BOUNDED = [
    ("petition", "content", 20000),
    ("petition", "answer", 20000),
    ("petition", "decline_reason", 20000),
    ("petitionevent", "text", 20000),
]


def cut_to_bounds(apps, schema_editor):
    Length = django.db.models.functions.text.Length
    Left = django.db.models.functions.text.Left
    for model_name, field, bound in BOUNDED:
        model = apps.get_model("petitions", model_name)
        model._base_manager.annotate(chars=Length(field)).filter(chars__gt=bound).update(**{field: Left(field, bound)})


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0014_annual_thresholds"),
        ("members", "0015_access_log_complete"),
        ("petitions", "0009_more_default_bodies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="petition",
            name="answer",
            field=models.TextField(blank=True, max_length=20000, verbose_name="answer"),
        ),
        migrations.AlterField(
            model_name="petition",
            name="content",
            field=models.TextField(blank=True, max_length=20000, verbose_name="content"),
        ),
        migrations.AlterField(
            model_name="petition",
            name="decline_reason",
            field=models.TextField(blank=True, max_length=20000, verbose_name="reason for declining"),
        ),
        migrations.AlterField(
            model_name="petitionevent",
            name="text",
            field=models.TextField(blank=True, max_length=20000, verbose_name="text"),
        ),
        migrations.RunPython(cut_to_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="petition",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("content"), 20000
                ),
                name="petition_content_length",
                violation_error_message="This text is too long.",
            ),
        ),
        migrations.AddConstraint(
            model_name="petition",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("answer"), 20000
                ),
                name="petition_answer_length",
                violation_error_message="This text is too long.",
            ),
        ),
        migrations.AddConstraint(
            model_name="petition",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("decline_reason"), 20000
                ),
                name="petition_decline_reason_length",
                violation_error_message="This text is too long.",
            ),
        ),
        migrations.AddConstraint(
            model_name="petitionevent",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("text"), 20000
                ),
                name="petition_event_text_length",
                violation_error_message="This text is too long.",
            ),
        ),
    ]
