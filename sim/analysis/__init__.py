"""From a sweep folder to an answer: tidy tables, paired statistics, figures and a report."""
