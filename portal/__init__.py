"""The pages that combine apps: the home page, the organisation page, the outbox and the meeting
page's panels. Portal sits above every domain app and imports them directly, so no app below
needs a registry or a signal to appear on another's page."""
