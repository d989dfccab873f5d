"""skillreg: lint, index, publish and install agent skills."""

__version__ = "0.1.0"
