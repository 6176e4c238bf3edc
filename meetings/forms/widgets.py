"""Date, time and month inputs shared by the meetings forms (dd/mm/yyyy on the page)."""

from __future__ import annotations

from meetings.services.uploads import ALLOWED_EXTENSIONS
from members.forms.widgets import DateInput, MonthInput, TimeInput

# Text inputs, not the browser's pickers, which follow the phone's language (members/forms/widgets.py).
DATE_WIDGET = DateInput()


TIME_WIDGET = TimeInput()


MONTH_WIDGET = MonthInput()


MONTH_FORMATS = ["%Y-%m", "%m/%Y"]


ACCEPT = ",".join(ALLOWED_EXTENSIONS)
