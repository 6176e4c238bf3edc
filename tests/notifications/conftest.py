import pytest

from notifications.models import ChannelPreference
from tests.factories import UserFactory


@pytest.fixture
def person(db):
    """A user who chose email and SMS, with valid addresses."""
    user = UserFactory(username="nguyen-van-a", email="a@example.org", first_name="An")
    ChannelPreference.objects.create(user=user, email_enabled=True, sms_enabled=True, phone="0912345678")
    return user


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.SMS_BACKEND = "notifications.channels.FileSmsBackend"
    return tmp_path
