"""Installing skills: resolve versions (`resolve`, `semver_range`), fetch and verify bundles, unpack
safely (`extract`), swap them into agents' folders (`place`, `targets`, `agents`), and record the
request and the result (`manifest`, `lock`); `engine` runs it, `session` holds one run's context.

May import `registry` and everything below it; only `cli` imports it.
"""
