"""The synthetic demo: its places and partners, the generator of its files, and building its database."""
