"""A resolution is numbered when the branch passes it, not when its draft is started.

The number becomes optional (a draft has none; services.resolution.resolution_issue gives it at
the adoption of the minutes when the vote passed) and the range check lets NULL through. Then the
numbers given before this rule to resolutions that never took effect are taken back: the meeting's
minutes are not adopted, no vote is recorded, or the vote did not pass (not more than half of the
voting base in favour, Quy định 24-QĐ/TW §9.3.2).

The numbers of the resolutions that passed are left as they are, gaps included: they were issued
and may be cited. A resolution whose number is taken back gets the branch's next free number if its
minutes are adopted later with the vote passed.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# The statuses and marks as stored (meetings.models); a migration does not import the models.
ADOPTED = "adopted"
FULL = "full"
EXCUSED = "excused"
PRESENT_MARKS = ("present", "late", "left_early")


def _is_away(member, day):
    return member.away_from is not None and member.away_from <= day and (
        member.away_until is None or member.away_until >= day
    )


def _in_voting_base(member, day, branch_id, mark, category):
    """meetings.counting.standing_on(...).in_voting_base as of this migration, for a member marked
    at an adopted meeting (every member expected there has a mark; adoption refuses otherwise)."""
    if member.branch_id != branch_id:
        return False  # temporarily transferred in: an attached member, who does not vote
    if member.joined_branch_on is not None and member.joined_branch_on > day:
        return False
    if category != FULL:
        return False
    present = mark in PRESENT_MARKS
    if member.left_on is not None and member.left_on <= day:
        return False  # left, or transferred out for good: never in the base
    if _is_away(member, day):
        return False
    if member.exempt_since is not None and member.exempt_since <= day:
        return present
    return mark != EXCUSED


def unnumber_resolutions_not_passed(apps, schema_editor):
    Resolution = apps.get_model("meetings", "Resolution")
    Minutes = apps.get_model("meetings", "Minutes")
    Attendance = apps.get_model("meetings", "Attendance")
    Member = apps.get_model("members", "Member")
    db = schema_editor.connection.alias

    numbered = Resolution._default_manager.using(db).filter(number__isnull=False)
    # Not adopted: the draft was numbered when it was started.
    numbered.exclude(meeting__status=ADOPTED).update(number=None)

    votes = {
        row[0]: row[1:]
        for row in Minutes._default_manager.using(db).values_list("meeting_id", "votes_for", "votes_against", "votes_abstain")
    }
    taken_back = []
    by_branch = {}
    for pk, meeting_id, branch_id, planned_start, actual_start in numbered.filter(
        meeting__status=ADOPTED
    ).values_list("pk", "meeting_id", "meeting__branch_id", "meeting__planned_start", "meeting__actual_start"):
        votes_for, against, abstain = votes.get(meeting_id, (None, None, None))
        if votes_for is None:
            taken_back.append(pk)  # no vote recorded: nothing passed
        elif votes_for * 2 <= votes_for + (against or 0) + (abstain or 0):
            # The voters are part of the base: not more than half of them is not more than half of it.
            taken_back.append(pk)
        else:
            day = timezone.localtime(actual_start or planned_start).date()
            by_branch.setdefault(branch_id, []).append((pk, meeting_id, day, votes_for))

    # The rest: count the voting base from the marks kept at the meeting, a branch at a time.
    for branch_id, resolutions in by_branch.items():
        members = {member.pk: member for member in Member._default_manager.using(db).filter(branch_id=branch_id)}
        marks = {}
        rows = Attendance._default_manager.using(db).filter(meeting_id__in=[r[1] for r in resolutions])
        for meeting_id, member_id, mark, category in rows.values_list("meeting_id", "member_id", "mark", "category"):
            marks.setdefault(meeting_id, []).append((member_id, mark, category))
        for pk, meeting_id, day, votes_for in resolutions:
            base = sum(
                _in_voting_base(members[member_id], day, branch_id, mark, category)
                for member_id, mark, category in marks.get(meeting_id, ())
                if member_id in members
            )
            if not (base > 0 and votes_for * 2 > base):
                taken_back.append(pk)

    for start in range(0, len(taken_back), 500):
        Resolution._default_manager.using(db).filter(pk__in=taken_back[start : start + 500]).update(number=None)


def keep_numbers(apps, schema_editor):
    """Nothing to undo: the numbers taken back were never validly issued, and a number put back
    might clash with one given since. Reversing the schema step needs every resolution numbered,
    so it fails while any draft has no number; delete or number those first."""


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0009_adopted_records"),
        ("members", "0010_active_branch_index_covers_away"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="resolution",
            name="resolution_number_range",
        ),
        migrations.AlterField(
            model_name="historicalresolution",
            name="number",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="number"),
        ),
        migrations.AlterField(
            model_name="resolution",
            name="number",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="number"),
        ),
        migrations.AddConstraint(
            model_name="resolution",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("number__isnull", True), models.Q(("number__gte", 1), ("number__lte", 9999)), _connector="OR"
                ),
                name="resolution_number_range",
                violation_error_message="A resolution number is between 1 and 9999.",
            ),
        ),
        migrations.RunPython(unnumber_resolutions_not_passed, keep_numbers, elidable=True),
    ]
