"""Board pages (filled in by the signs work)."""
