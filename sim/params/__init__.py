"""Parameters: the typed schema (one parameter per line, unit and range), its validation, the packaged configs."""
