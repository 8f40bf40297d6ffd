"""The Mesa model and its daily stages: agents, the day's dynamics, visits, the compiled kernels, data collection."""
