"""The floor: what every layer needs and that knows nothing of skills' meaning.

Owns the one exception hierarchy (`errors`), findings as data (`diagnostics`), atomic writes
(`atomic`), the JSON spelling of every file skillreg writes (`jsonio`), config files and user
folders (`config`), the skill-name rule (`names`) and the field types the file formats share
(`fields`). Imports nothing else of skillreg.
"""
