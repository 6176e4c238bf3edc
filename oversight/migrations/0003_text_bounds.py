"""A removal decision's note is bounded by the database as by its form (issue 22): 2,000 characters.

A longer note (none can be typed) is cut to the bound first, so the check constraint can be added.
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


# (model, field, bound) as stored; a migration does not import the models' constants.
BOUNDED = [("removaldecision", "note", 2000)]


def cut_to_bounds(apps, schema_editor):
    Length = django.db.models.functions.text.Length
    Left = django.db.models.functions.text.Left
    for model_name, field, bound in BOUNDED:
        model = apps.get_model("oversight", model_name)
        model._base_manager.annotate(chars=Length(field)).filter(chars__gt=bound).update(**{field: Left(field, bound)})


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_access_log_complete"),
        ("oversight", "0002_removal_decision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(cut_to_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="removaldecision",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("note"), 2000
                ),
                name="removal_decision_note_length",
                violation_error_message="This text is too long.",
            ),
        ),
    ]
