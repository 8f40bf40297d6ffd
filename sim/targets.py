"""``python -m sim.targets [--json] [--only NAME]``: the empirical targets (:mod:`sim.apps.targets`)."""

if __name__ == "__main__":
    import sys

    from sim.apps.targets import main

    sys.exit(main())
