"""Shared helpers for every app: ids, errors, API plumbing, events, health, workers.

No domain logic lives here; nothing here imports a domain app.
"""
