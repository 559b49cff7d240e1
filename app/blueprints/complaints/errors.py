"""Domain errors of the complaints package; a view puts the message on the form field."""


class ComplaintError(Exception):
    """A complaint, piece of information or evidence file that cannot be accepted.

    ``field`` names the form field the message belongs to (None: the form as a whole)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
