"""Reference data of the standards library, loaded by data migrations (see migrations/0003)."""
