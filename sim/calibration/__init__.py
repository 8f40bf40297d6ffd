"""Empirical targets: the table (``targets.yaml``), the statistics that measure the model against it
(:mod:`sim.calibration.statistics`) and the runner (:mod:`sim.calibration.targets`)."""
