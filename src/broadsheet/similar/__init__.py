"""Text in; vectors, near-duplicate fingerprints and key terms out (no Django, no HTTP)."""
