"""Generation: jobs and their state machine, backends, the media pipeline (encode, watermark, C2PA, storage).

May import: accounts, moderation, cameos."""
