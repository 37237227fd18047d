"""The fault drills (pytest mark drill): see README.md, Tests."""

# Seconds a drill waits for what must happen: generous, since it only bounds a
# failure (the machine may be busy), and every wait polls and ends when it is met.
DEADLINE = 60
