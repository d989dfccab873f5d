"""The index of a collection: one deterministic JSON document (`build`, shape in `model`) made of
cached per-skill summaries (`scan`) and lint findings over the whole collection (`lint`), and the
Related Skills graph drawn from it (`graph`).

May import `lint`, `report`, `collection`, `skill` and `core`.
"""
