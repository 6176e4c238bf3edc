"""The petitions pages, one module per subject; ``lookups`` holds what they share."""
