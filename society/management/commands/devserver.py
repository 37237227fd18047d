"""`make run`: the web server, a Celery worker and beat, together; Ctrl-C stops all."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, port: str, **options):
        bin_dir = os.path.dirname(sys.executable)
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            # One worker with an embedded beat. Without REDIS_URL tasks run
            # in-process when sent, and beat runs the periodic ones itself.
            "celery": [os.path.join(bin_dir, "celery"), "-A", "society", "worker", "--beat", "--loglevel=INFO"],
        }
        # `kill` (SIGTERM) stops everything too, not only Ctrl-C: leave no orphans behind.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}
        broker = "Redis" if settings.REDIS_URL else "in-process tasks (no broker)"
        self.stdout.write(
            self.style.SUCCESS(f"\n{settings.SOCIETY_NAME} is running at http://127.0.0.1:{port}/")
            + f"\nCelery: {broker}. Press Ctrl-C to stop everything.\n"
        )
        try:
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
            stopped = [name for name, process in processes.items() if process.poll() is not None]
            self.stderr.write(f"{', '.join(stopped)} stopped; stopping the rest.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping...")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
