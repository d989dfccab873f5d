"""Many skills: discovering them under folders (`workspace`), resolving the names they give each
other (`refs`), and the parse cache a collection keeps between runs (`cache`).

May import `skill` and `core`.
"""
