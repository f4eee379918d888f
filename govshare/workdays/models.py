"""Working-day calendar models (to be filled)."""
