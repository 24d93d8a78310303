"""People's own pages: signing in (``auth.py``) and their account (``account.py``)."""
