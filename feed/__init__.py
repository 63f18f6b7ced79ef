"""Feed: posts, remix lineage, interactions, ranking and feeds.

May import: accounts, moderation, cameos, generation."""
