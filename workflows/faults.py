"""Named points where a test can stop a flow, to kill its worker at a known moment.

``TENDERFLOW_FAULT_PAUSE`` names one point, "flow:point" (for example
``stage-transition:after-gates``). A flow reaching that point writes the marker file named by
``TENDERFLOW_FAULT_MARKER`` (its process id, then the point) and sleeps for
``TENDERFLOW_FAULT_PAUSE_SECONDS`` (300 by default) before carrying on. Unset, a point does
nothing. The points:

- ``stage-transition:after-gates``: the gates are checked, the move is not yet applied.
- ``capital-round:after-priority-list``: the priority list is produced, its document not yet
  written.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_ENV = "TENDERFLOW_FAULT_PAUSE"
MARKER_ENV = "TENDERFLOW_FAULT_MARKER"
SECONDS_ENV = "TENDERFLOW_FAULT_PAUSE_SECONDS"
POINTS = frozenset({"stage-transition:after-gates", "capital-round:after-priority-list"})


def pause_point(point: str) -> bool:
    """Stop here if the environment asks for this point; return whether it paused."""
    assert point in POINTS, point
    if os.environ.get(PAUSE_ENV, "").strip() != point:
        return False
    marker = os.environ.get(MARKER_ENV, "").strip()
    if marker:
        Path(marker).write_text(f"{os.getpid()}\n{point}\n")
    time.sleep(float(os.environ.get(SECONDS_ENV) or 300))
    return True
