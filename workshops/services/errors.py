class WorkshopError(Exception):
    """A rule of the workshops app said no; the message is for the person (a form error)."""
