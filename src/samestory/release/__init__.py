"""Stage 4, release: gold rows into Parquet configs, the card, the manifest and hashes, history and publishing."""
