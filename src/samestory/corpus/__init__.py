"""Stage 2, corpus: the article store, ingestion, cleaning, deduplication, language and segmentation."""
