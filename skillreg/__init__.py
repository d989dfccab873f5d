"""skillreg: lint, index, publish and install agent skills."""

__version__ = "0.1.0"

#: The distribution's name on PyPI. "skillreg" there is an unrelated project, so the package is
#: published as this name while the import package (and the `skill` command) keep theirs.
DISTRIBUTION = "skillreg-cli"
#: Where people learn about this tool: the one link every output format points at.
HOME_PAGE = f"https://pypi.org/project/{DISTRIBUTION}/"
