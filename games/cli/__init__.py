"""The command line every game shares: flags, models and personas, batches and their progress, resume,
the summary, the live transcript, what reaches the terminal."""
