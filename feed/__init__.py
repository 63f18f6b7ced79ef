"""Feed: posts, remix lineage, interactions, ranking and feeds.

May import: accounts, moderation, cameos, generation (feed is the rightmost app).

Module map:

- `models/`: posts (`Post`, `PostAudience`), interactions (`Comment`, `Like`, `View`),
  feeds (For you and Following entries, weights, preferences, teen budget, unpublishable drafts);
- `states`: `PostState` and `POST_MACHINE` (the declared machine), `Visibility`, `Rating`;
- `services/`: every write, one module per subject (publishing, removal and every post
  state change, media placement, lineage counters, interactions, mentions, steering,
  serving within the teen budget, For you ranking, fan-out, embeddings);
- `selectors/`: reads only (visibility, posts, feeds, pagers);
- `presenters`: the one place API bodies are shaped, cards included (`card_out` shapes
  the rows of `cards`, the feed's one-query card statement);
- `cards`: the card SQL; `sources`, `ranking`, `store`, `embedding`: For you machinery;
- `api/`: views and URLs; `tasks`: Celery tasks; `receivers`: other apps' signals;
  `subjects`: moderation adapters; `seeding`: demo posts; `admin`;
- `web`: the web pages `/p/<id>` (share page) and `/u/<username>` (creator page).

An endpoint's behaviour: `api/views.py` → the selector or service it names.
"""
