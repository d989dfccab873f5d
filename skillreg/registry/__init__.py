"""Static registries: the file format (`model`), reading them and writing them, and the web
catalog generated with them (`site`)."""
