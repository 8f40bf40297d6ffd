"""``python -m sim.bench [--json] [--full] [--app]``: the benchmark (:mod:`sim.apps.bench`)."""

if __name__ == "__main__":
    from sim.apps.bench import main

    main()
