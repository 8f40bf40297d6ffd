"""sidl-sim: an agent-based simulation of support in daily living under management regimes."""
