"""Keys, DSSE signatures and trust: kept apart from the formats that carry signatures."""
