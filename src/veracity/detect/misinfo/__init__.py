"""Misinformation: fact-check store, claim matching, known-media matching, narratives."""
