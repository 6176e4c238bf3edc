"""Issue 11 (privacy): the access log records more pages (and the meeting they belong to), and is
read per subtree by its branch; party card conflicts are kept for commune staff to resolve."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_scale_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesslog",
            name="action",
            field=models.CharField(
                choices=[
                    ("view_member", "Viewed a member record"),
                    ("export_branch", "Exported a branch's members"),
                    ("view_member_list", "Viewed the member list"),
                    ("view_branch", "Viewed a branch's members"),
                    ("view_roll", "Viewed a meeting's roll"),
                    ("view_attendance", "Viewed an attendance sheet"),
                    ("minutes_document", "Downloaded the minutes"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="organization_id",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="meeting_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="CardConflict",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        choices=[("form", "Member form"), ("import", "Import from a file")],
                        max_length=10,
                        verbose_name="where",
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "branch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.organization",
                        verbose_name="entered for branch",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.member",
                        verbose_name="holder of the card",
                    ),
                ),
                (
                    "member_branch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="members.organization",
                        verbose_name="holder's branch",
                    ),
                ),
                (
                    "tried_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
            ],
            options={
                "verbose_name": "party card conflict",
                "verbose_name_plural": "party card conflicts",
                "ordering": ["-at", "-pk"],
                "default_manager_name": "unscoped",
            },
            managers=[
                ("unscoped", django.db.models.manager.Manager()),
            ],
        ),
    ]
