"""``python -m sim.run [overrides]``: one simulation (the Hydra app is :mod:`sim.apps.cli`)."""

if __name__ == "__main__":
    from sim.apps.cli import cli

    cli()
