"""Bundles: the reproducible ``.tar.gz`` of one skill (`pack`), its manifest of files and digests
(`manifest`), and reading one back with its members checked (`read`).

May import the layers below (`index` and down); never the registry that stores bundles.
"""
