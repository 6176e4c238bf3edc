import pytest
from django.core.management import CommandError, call_command


def test_without_the_demo_branch_the_command_says_to_seed_first(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("benchmark_weight", "--branch", "no-such-branch")
