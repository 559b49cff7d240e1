"""Ready-made sentences moderators give as reasons and notes (a sign's reason templates, "The
moderators keep the sign.", ...). They are stored as chosen, in the language of the moderator
who chose them, like the words moderators type themselves; when shown, one of these reads in
the reader's language, and anything else exactly as written (:func:`shown`)."""
import threading

from flask import current_app
from flask_babel import force_locale

_texts = []
_index = None
_lock = threading.Lock()


def register(*texts):
    """Make these (lazy) sentences standard."""
    global _index
    with _lock:
        _texts.extend(texts)
        _index = None


def _key(text):
    return " ".join(str(text).split())


def _built():
    global _index
    with _lock:
        if _index is None:
            index = {}
            for language in current_app.config["LANGUAGES"]:
                with force_locale(language):
                    index.update((_key(text), text) for text in _texts)
            _index = index
        return _index


def standard(text):
    """The standard sentence ``text`` is (in any language), or None."""
    return _built().get(_key(text)) if text else None


def shown(text):
    """``text`` as the reader reads it: in their language if standard, else as written."""
    found = standard(text)
    return text if found is None else str(found)


class StandardLabels:
    """Standard sentences as the words of a notice's fact (``register_labels``)."""

    def get(self, value, default=None):
        found = standard(value) if isinstance(value, str) else None
        return default if found is None else found
