"""Auditing what a skill hides before an agent follows it: the SK5xx rule family.

Scanners here are pure functions from one file's text (and, for SKILL.md, its Markdown outline) to
`Diagnostic` values: hidden content (`hidden`), payloads (`payloads`), secrets (`secrets`),
sensitive reach (`reach`), prompt injection (`injection`), look-alike names (`lookalike`).
`scan` runs them over a file or a skill folder; `summary` condenses findings for a registry.

Every pattern is linear in the input: literal anchors first, bounded gaps, no nested repetition.
May import `skill` and `core` only; lint runs the family on SKILL.md, and `skill audit`, publish and
install run it over every file of a skill.
"""
