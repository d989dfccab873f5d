"""The home page (the registry's ``index.html``): a search box, facets and a result list.

The page itself holds no skill: the script fills the list from the search shards and the facets
from ``facets.json``, so its weight does not grow with the registry. Without script it says how
many skills there are and points at ``catalog.json``.
"""

from __future__ import annotations

from skillreg.registry.model import HTML_FILE
from skillreg.registry.site.layout import esc, page
from skillreg.registry.site.skill_page import REGISTRY_NAME


def render_home(skill_count: int) -> bytes:
    main = (
        f"<h1>{esc(REGISTRY_NAME)}</h1>\n"
        f'<p class="lead"><span id="total">{skill_count}</span> skills.</p>\n'
        '<form id="search-form" class="search-box" role="search" aria-label="Skills">\n'
        '<label for="q">Search skills</label>\n'
        '<input id="q" name="q" type="search" autocomplete="off" spellcheck="false" '
        'placeholder="name, description, tier, council, category" aria-describedby="status">\n'
        "</form>\n"
        '<div class="layout">\n'
        '<aside class="facets" aria-labelledby="facets-h">\n<h2 id="facets-h">Filter</h2>\n'
        '<div id="facets"></div>\n</aside>\n'
        '<section class="results" aria-labelledby="results-h">\n'
        '<h2 id="results-h">Skills</h2>\n'
        '<p id="status" role="status" aria-live="polite"></p>\n'
        '<ol id="results" class="results-list"></ol>\n'
        '<button type="button" id="more" class="more" hidden>Show more</button>\n'
        "<noscript><p>Search needs JavaScript. Every skill is listed in "
        '<a href="catalog.json">catalog.json</a>.</p></noscript>\n'
        "</section>\n</div>\n"
    )
    return page(HTML_FILE, REGISTRY_NAME, main, registry_name=REGISTRY_NAME).encode()
