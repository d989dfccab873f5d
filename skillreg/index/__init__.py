"""The index of a collection: one deterministic JSON document (`build`, shape in `model`) made of
per-skill lines (`scan`) kept in an incremental cache (`cache`) and lint findings over the whole
collection (`lint`), and the Related Skills graph drawn from it (`graph`).

May import `lint`, `report`, `collection`, `skill` and `core`.
"""
