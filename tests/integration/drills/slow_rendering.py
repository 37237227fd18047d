"""Loaded by the notebook drill's first worker (celery --include): with
DRILL_RENDERING_STARTED set, rendering a notebook first writes that file, then
stalls, so the drill can kill the worker in the middle of it."""

import os
import time
from pathlib import Path

from workshops import notebooks

STARTED = os.environ.get("DRILL_RENDERING_STARTED")

if STARTED:
    render = notebooks.render_notebook_html

    def stalled_render(notebook):
        Path(STARTED).write_text(str(os.getpid()))
        time.sleep(120)  # a render that takes long; the drill kills the worker long before
        return render(notebook)

    notebooks.render_notebook_html = stalled_render
