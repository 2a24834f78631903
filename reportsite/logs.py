"""Logging: a request refused for the client's mistake is one line in the log, not a traceback.

Django logs a Host not in ALLOWED_HOSTS, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or
a multipart body without a boundary with the exception's whole traceback: anyone could fill the log
with stack frames of Django's request parsing, and a real server error would drown among them. The
refusal keeps its line, with the exception's name and message; 5xx keep their tracebacks.
"""

from __future__ import annotations

import logging

DETAIL_CHARS = 300


class ClientErrorsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and 400 <= status < 500:
            error = record.exc_info[1]
            message = record.getMessage()
            detail = f"{type(error).__name__}: {error}" if error is not None else ""
            if detail and str(error) not in message:
                message = f"{message} ({detail[:DETAIL_CHARS]})"
            record.msg, record.args = message, ()
            record.exc_info = None
            record.exc_text = None
        return True
