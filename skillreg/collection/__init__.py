"""Many skills: discovering them under folders (`workspace`) and resolving the names they give
each other (`refs`).

May import `skill` and `core`.
"""
