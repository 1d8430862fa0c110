"""The log tools: replay (transcript, events, JSON, HTML page), rerun and its comparison, the log's
field checks."""
