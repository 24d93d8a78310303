"""Users: this feature's use cases."""
