"""Email: this feature's use cases."""
