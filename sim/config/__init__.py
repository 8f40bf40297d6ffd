"""A run's config: the schema of a whole run, its validation, the packaged Hydra configs."""
