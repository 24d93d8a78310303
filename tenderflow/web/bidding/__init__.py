"""Bidding pages: the plan, expressions of interest and the shortlist (``bidders.py``), bids
(``bids.py``) and clarifications (``clarifications.py``)."""
