"""Bidding: this feature's use cases."""
