"""Bidding: the plan, bidders and their selection, bids and their opening, clarifications, and
the gates these set (``gates.py``)."""
