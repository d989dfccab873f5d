"""The web catalog: static pages generated with a registry's derived files.

``index.html`` (home: search and facets), ``site/skills/{prefix}/{name}.html`` (one page per skill,
its SKILL.md rendered safely), ``site/search/`` (the shards the home page's script loads) and
``site/assets/`` (one stylesheet, one script). `build` writes them; `serve` previews a registry on
loopback. Imports the registry's model and store, and the skill layer's frontmatter parser.
"""
