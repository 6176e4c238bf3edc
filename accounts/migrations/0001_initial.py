"""ResetCode and AccountEvent move here from members (issue 19): members made their tables
(members 0007) and they keep them, names and rows alike. So this migration only tells Django's
state that the models are now accounts'; members 0012 removes them from members' state. The
database is not touched, except that the two models' content types (and so their permissions and
admin log entries) are relabelled members -> accounts on a database that already had them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["accountevent", "resetcode"]


def relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    # A fresh database has none yet (post_migrate makes them after this), then nothing to do.
    ContentType.objects.using(db).filter(app_label=old, model__in=MOVED).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, "members", "accounts")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, "accounts", "members")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The tables were created there.
        ("members", "0007_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccountEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("locked_out", "Locked out after failed logins"),
                                    ("unlocked", "Unlocked"),
                                    ("reset_code_issued", "Reset code issued"),
                                    ("reset_code_used", "Password set with a reset code"),
                                    ("reset_email_sent", "Reset link sent by email"),
                                    ("reset_by_email", "Password set with an emailed link"),
                                    ("two_factor_on", "Two-factor turned on"),
                                    ("two_factor_off", "Two-factor turned off"),
                                    ("recovery_codes", "New recovery codes"),
                                ],
                                max_length=20,
                                verbose_name="event",
                            ),
                        ),
                        ("at", models.DateTimeField(db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "members_accountevent",
                        "verbose_name": "account event",
                        "verbose_name_plural": "account events",
                        "ordering": ["-at"],
                    },
                ),
                migrations.CreateModel(
                    name="ResetCode",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("digest", models.CharField(max_length=64, unique=True)),
                        ("issued_at", models.DateTimeField()),
                        ("expires_at", models.DateTimeField()),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "issued_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={
                        "db_table": "members_resetcode",
                        "verbose_name": "password reset code",
                        "verbose_name_plural": "password reset codes",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
