"""Serving: the web UI, the HTTP API and the client of a running server."""
