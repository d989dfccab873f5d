"""Static registries: the file format (`model`), reading them and writing them."""
