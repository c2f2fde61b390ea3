"""What a render worker does first: die with the build that started it, and hold none of its
locks, so that a build killed with SIGKILL leaves nothing running and nothing locked."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from folio.files import close_inherited_locks

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def started(parent: int) -> None:
    """The pool's initializer: `parent` is the pid of the build."""
    close_inherited_locks()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the build died before the signal was asked for
        os._exit(1)
