"""Static registries: the file format (`model`, `schemas`), storing and reading them (`store`,
`client`, `http` with origin-scoped `tokens`), publishing into them (`publish`, `edit`, `derived`),
checking them (`verify`), the registry shipped in the package (`builtin`, rebuilt by
`builtin_build`), the reader lint is handed for a registry's names (`lint_names`), and the web
catalog generated with every registry (`site`).

May import `bundle` and every layer below it; never `install` or `cli`.
"""
