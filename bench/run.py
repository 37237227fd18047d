"""Run every benchmark in this folder, one process each."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["outbox.py", "registration_rush.py", "pages.py", "reminders.py", "scale.py", "lottery.py"]

failed = [name for name in BENCHES if subprocess.run([sys.executable, HERE / name], cwd=HERE).returncode != 0]
if failed:
    sys.exit(f"bench: {', '.join(failed)} did not finish")
