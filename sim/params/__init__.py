"""Parameters of the model: how a parameter is declared (unit, range) and the typed schema of every mechanism."""
