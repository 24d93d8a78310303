"""Web: this feature's use cases."""
