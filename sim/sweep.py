"""``python -m sim.sweep <experiment> [overrides]``: an experiment, then its report (:mod:`sim.apps.sweep`)."""

if __name__ == "__main__":
    import sys

    from sim.apps.sweep import main

    sys.exit(main())
