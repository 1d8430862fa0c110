"""What every game shares: outcomes and their scores, the live transcript, batches of games."""
