"""Installing skills: resolve versions, fetch and verify bundles, unpack safely, swap in place."""
