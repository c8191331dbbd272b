"""Performance data: ingesting daily records (JSON, CSV), their revisions, and metrics over them."""
