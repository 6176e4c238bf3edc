"""BranchMonth, which the former ``dashboard`` app created (its migrations 0001 and 0002).

The table keeps its name (``dashboard_branchmonth``). A database migrated while the app was
``dashboard`` already has it: only the state moves to this app. A new database gets it here. The
content type follows the model to its new app label, so nothing refers to ``dashboard`` after.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "dashboard_branchmonth"


def create_table_unless_there(apps, schema_editor):
    if TABLE not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(apps.get_model("oversight", "BranchMonth"))


def drop_table(apps, schema_editor):
    # Back to before this app: the table goes only where this migration made it, i.e. where no
    # ``dashboard`` migration had been recorded; otherwise the rows stay for the older code.
    if "django_migrations" in schema_editor.connection.introspection.table_names():
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM django_migrations WHERE app = %s", ["dashboard"])
            if cursor.fetchone():
                return
    schema_editor.delete_model(apps.get_model("oversight", "BranchMonth"))


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="oversight", model="branchmonth").exists():
        ContentType.objects.filter(app_label="dashboard", model="branchmonth").update(app_label="oversight")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="dashboard", model="branchmonth").exists():
        ContentType.objects.filter(app_label="oversight", model="branchmonth").update(app_label="dashboard")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0004_officer_role"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BranchMonth",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("month", models.DateField(verbose_name="month")),
                        ("met", models.BooleanField(default=False, verbose_name="met")),
                        ("regular_held", models.PositiveSmallIntegerField(default=0, verbose_name="regular meetings held")),
                        ("thematic_held", models.PositiveSmallIntegerField(default=0, verbose_name="thematic meetings held")),
                        ("thematic_in_quarter", models.PositiveSmallIntegerField(default=0, verbose_name="thematic meetings so far this quarter")),
                        ("meetings_timed", models.PositiveSmallIntegerField(default=0, verbose_name="meetings with a known length")),
                        ("meetings_short", models.PositiveSmallIntegerField(default=0, verbose_name="meetings under the minimum length")),
                        ("members_expected", models.PositiveIntegerField(default=0, verbose_name="members expected")),
                        ("members_present", models.PositiveIntegerField(default=0, verbose_name="members present")),
                        ("cadres_expected", models.PositiveSmallIntegerField(default=0, verbose_name="assigned cadres expected")),
                        ("cadres_present", models.PositiveSmallIntegerField(default=0, verbose_name="assigned cadres present")),
                        ("quality_level", models.CharField(blank=True, max_length=20, verbose_name="quality level")),
                        ("guidance_expected", models.BooleanField(default=False, verbose_name="guidance published")),
                        ("guidance_reflected", models.BooleanField(default=False, verbose_name="guidance on the agenda")),
                        ("refreshed_at", models.DateTimeField(verbose_name="refreshed at")),
                        ("branch", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="members.organization", verbose_name="branch")),
                    ],
                    options={
                        "verbose_name": "branch month summary",
                        "verbose_name_plural": "branch month summaries",
                        "db_table": TABLE,
                        "default_manager_name": "objects",
                        "indexes": [models.Index(fields=["month", "branch"], name="branch_month_by_month")],
                        "constraints": [models.UniqueConstraint(fields=("branch", "month"), name="branch_month_once")],
                    },
                ),
            ],
        ),
        # After the state: the historical model is there to create its table from.
        migrations.RunPython(create_table_unless_there, drop_table),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
