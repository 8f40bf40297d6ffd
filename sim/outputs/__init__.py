"""What a run produces: the summary, the output contract's files, the results store."""
