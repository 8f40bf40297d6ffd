"""Programs over the model: the CLI (``python -m sim.run``), sweeps, the classroom app, the benchmark."""
