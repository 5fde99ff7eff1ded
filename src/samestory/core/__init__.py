"""Stage 0, core: errors, guarded reads of ids/paths/versions, JSON Lines and atomic writes, repository paths."""
