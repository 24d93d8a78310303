"""Deployment names, importable without loading Prefect (the web app submits by name)."""

HEARTBEAT = "worker-heartbeat/heartbeat"
CAPITAL_ROUND = "capital-round/advance"
TRANSITION = "stage-transition/apply"
DEADLINES = "deadline-watcher/watch"
DOCUMENTS = "procurement-documents/generate"
EMAIL = "message-delivery/send"
NOOP = "noop/noop"
