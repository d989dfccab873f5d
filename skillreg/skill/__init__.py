"""Reading one skill: source bytes, YAML frontmatter, the Markdown outline, Related Skills.

`parsed.parse_skill` turns one SKILL.md into a `ParsedSkill`; `source` bounds and decodes the
bytes, `frontmatter` composes the YAML with positions, `markdown`/`markdown_inline` scan the body in
linear time, `related` extracts the Related Skills section, `syntax_rules` names the findings
parsing makes.
May import `core` only.
"""
