"""The data folder as ``kg add`` uses it: an exclusive lock, errors that name the path, no litter.

The lock is a ``flock`` on the folder itself, so no lock file is ever created (or left behind);
the kernel releases it if the process dies. Any :class:`OSError` on the folder (read-only, full
disk, no locks on this file system) becomes a :class:`DataFolderError`: exit code 2, with the path.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path

from kg.errors import InputError

__all__ = ["DataFolderError", "LockBusy", "data_lock", "folder_error", "remove_stale_temporaries"]


class DataFolderError(InputError):
    """The data folder cannot be locked, read or written (read-only, full, missing): exit code 2."""


class LockBusy(DataFolderError):
    """Another ``kg add`` holds the lock on the data folder."""


def folder_error(path: Path, error: OSError, doing: str) -> DataFolderError:
    why = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded", errno.EROFS: "the file system is read-only",
           errno.EACCES: "permission denied", errno.EPERM: "permission denied"}.get(error.errno, error.strerror or str(error))
    return DataFolderError(f"{path}: cannot {doing}: {why}; nothing was written")


@contextlib.contextmanager
def data_lock(folder: Path, *, timeout: float = 60.0):
    """Hold an exclusive ``flock`` on the folder itself (no file is created); refuse after ``timeout`` seconds."""
    folder = Path(folder)
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise folder_error(folder, error, "lock the data folder") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"another kg add is writing to {folder}; nothing was written, "
                                   "try again when it has finished") from None
                time.sleep(0.05)
            except OSError as error:
                raise folder_error(folder, error, "lock the data folder") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Temporary files left by a ``kg add`` that was killed (call with the lock held)."""
    stale = sorted(Path(folder).glob(".*.kg-add.tmp"))
    for path in stale:
        with contextlib.suppress(OSError):
            path.unlink()
    return stale


