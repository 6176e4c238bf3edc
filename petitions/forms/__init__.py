"""Forms of the petitions pages, one module per subject: the list, recording, actions, catalogue."""
