"""The HTTP API (Litestar): app factory, authentication, and error mapping."""
