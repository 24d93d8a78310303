"""Email: the outbox people see in the app (``outbox.py``) and its delivery by SMTP or GOV.UK
Notify, each message once (``delivery.py``)."""
