"""Cameos: the likeness registry (cameos and protected public figures), face models, consent, appearances.

May import: accounts, moderation."""
