"""Batches shared out to worker processes over Redis Streams."""
