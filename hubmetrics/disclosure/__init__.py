"""What may be shown and shared: small-number suppression, shareable tables, pseudonyms."""
