"""Long texts are bounded (issue 22): 20,000 characters for minutes sections, speeches,
conclusions, tasks, resolution sections, guidance and a cadre's remarks; 2,000 for an amendment.

Texts already longer (only fuzzing ever wrote one) are cut to the bound first, so the check
constraints can be added.
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


# (model, field, bound) as stored; a migration does not import the models' constants.
BOUNDED = [
    ("agendaitem", "conclusion", 20000),
    ("amendment", "text", 2000),
    ("guest", "remarks", 20000),
    ("guest", "promises", 20000),
    ("guidance", "body", 20000),
    ("minutes", "opening", 20000),
    ("minutes", "closing", 20000),
    ("resolution", "results", 20000),
    ("resolution", "implementation", 20000),
    ("resolution", "assessment", 20000),
    ("resolution", "recipients", 20000),
    ("speech", "text", 20000),
    ("task", "description", 20000),
]


def cut_to_bounds(apps, schema_editor):
    Length = django.db.models.functions.text.Length
    Left = django.db.models.functions.text.Left
    for model_name, field, bound in BOUNDED:
        model = apps.get_model("meetings", model_name)
        model._base_manager.annotate(chars=Length(field)).filter(chars__gt=bound).update(**{field: Left(field, bound)})


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0010_resolution_number_at_vote'),
        ('members', '0010_active_branch_index_covers_away'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='agendaitem',
            name='conclusion',
            field=models.TextField(blank=True, max_length=20000, verbose_name="chair's conclusion"),
        ),
        migrations.AlterField(
            model_name='agendaitem',
            name='notes',
            field=models.TextField(blank=True, max_length=20000, verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='amendment',
            name='text',
            field=models.TextField(max_length=2000, verbose_name='correction'),
        ),
        migrations.AlterField(
            model_name='guest',
            name='promises',
            field=models.TextField(blank=True, max_length=20000, verbose_name='promised to take back'),
        ),
        migrations.AlterField(
            model_name='guest',
            name='remarks',
            field=models.TextField(blank=True, max_length=20000, verbose_name='remarks (ý kiến chỉ đạo)'),
        ),
        migrations.AlterField(
            model_name='guidance',
            name='body',
            field=models.TextField(max_length=20000, verbose_name='content'),
        ),
        migrations.AlterField(
            model_name='historicalguest',
            name='promises',
            field=models.TextField(blank=True, max_length=20000, verbose_name='promised to take back'),
        ),
        migrations.AlterField(
            model_name='historicalguest',
            name='remarks',
            field=models.TextField(blank=True, max_length=20000, verbose_name='remarks (ý kiến chỉ đạo)'),
        ),
        migrations.AlterField(
            model_name='historicalminutes',
            name='closing',
            field=models.TextField(blank=True, max_length=20000, verbose_name='closing'),
        ),
        migrations.AlterField(
            model_name='historicalminutes',
            name='opening',
            field=models.TextField(blank=True, max_length=20000, verbose_name='opening'),
        ),
        migrations.AlterField(
            model_name='historicalresolution',
            name='assessment',
            field=models.TextField(blank=True, max_length=20000, verbose_name='IV. Quality self-assessment'),
        ),
        migrations.AlterField(
            model_name='historicalresolution',
            name='implementation',
            field=models.TextField(blank=True, max_length=20000, verbose_name='III. Assignment and implementation'),
        ),
        migrations.AlterField(
            model_name='historicalresolution',
            name='recipients',
            field=models.TextField(blank=True, default='- Đảng ủy xã (để b/c);\n- Lưu chi bộ.', max_length=20000, verbose_name='recipients'),
        ),
        migrations.AlterField(
            model_name='historicalresolution',
            name='results',
            field=models.TextField(blank=True, max_length=20000, verbose_name='I. Results of last month'),
        ),
        migrations.AlterField(
            model_name='historicaltask',
            name='description',
            field=models.TextField(max_length=20000, verbose_name='task'),
        ),
        migrations.AlterField(
            model_name='minutes',
            name='closing',
            field=models.TextField(blank=True, max_length=20000, verbose_name='closing'),
        ),
        migrations.AlterField(
            model_name='minutes',
            name='opening',
            field=models.TextField(blank=True, max_length=20000, verbose_name='opening'),
        ),
        migrations.AlterField(
            model_name='resolution',
            name='assessment',
            field=models.TextField(blank=True, max_length=20000, verbose_name='IV. Quality self-assessment'),
        ),
        migrations.AlterField(
            model_name='resolution',
            name='implementation',
            field=models.TextField(blank=True, max_length=20000, verbose_name='III. Assignment and implementation'),
        ),
        migrations.AlterField(
            model_name='resolution',
            name='recipients',
            field=models.TextField(blank=True, default='- Đảng ủy xã (để b/c);\n- Lưu chi bộ.', max_length=20000, verbose_name='recipients'),
        ),
        migrations.AlterField(
            model_name='resolution',
            name='results',
            field=models.TextField(blank=True, max_length=20000, verbose_name='I. Results of last month'),
        ),
        migrations.AlterField(
            model_name='speech',
            name='text',
            field=models.TextField(max_length=20000, verbose_name='what was said'),
        ),
        migrations.AlterField(
            model_name='task',
            name='description',
            field=models.TextField(max_length=20000, verbose_name='task'),
        ),
        migrations.RunPython(cut_to_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('conclusion'), 20000), name='agenda_item_conclusion_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='amendment',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 2000), name='amendment_text_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='guest',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('remarks'), 20000), name='guest_remarks_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='guest',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('promises'), 20000), name='guest_promises_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='guidance',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('body'), 20000), name='guidance_body_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='minutes',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('opening'), 20000), name='minutes_opening_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='minutes',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('closing'), 20000), name='minutes_closing_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('results'), 20000), name='resolution_results_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('implementation'), 20000), name='resolution_implementation_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('assessment'), 20000), name='resolution_assessment_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='resolution',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('recipients'), 20000), name='resolution_recipients_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='speech',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text'), 20000), name='speech_text_length', violation_error_message='This text is too long.'),
        ),
        migrations.AddConstraint(
            model_name='task',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('description'), 20000), name='task_description_length', violation_error_message='This text is too long.'),
        ),
    ]
