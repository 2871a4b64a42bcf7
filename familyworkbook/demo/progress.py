"""A progress bar for `seed_demo`: done/total, a bar, families a second and time left.

On a terminal it redraws one line; into a file or pipe it writes a line at every tenth, so
logs stay short. (Ten lines of code, so no tqdm dependency for it.)
"""

from __future__ import annotations

from typing import TextIO

WIDTH = 30


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def line(done: int, total: int, seconds: float) -> str:
    """`families 1,500/20,000 [##----] 7% 95.2/s elapsed 0:16, left 3:14`."""
    share = done / total if total else 1.0
    filled = int(WIDTH * share)
    rate = done / seconds if seconds > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    return (
        f"families {done:,}/{total:,} [{'#' * filled}{'-' * (WIDTH - filled)}] "
        f"{100 * share:3.0f}% {rate:,.1f}/s elapsed {_clock(seconds)}, left {_clock(left)}"
    )


class Bar:
    def __init__(self, out: TextIO, *, tty: bool | None = None) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.next_tenth = 0.0

    def update(self, done: int, total: int, seconds: float) -> None:
        text = line(done, total, seconds)
        if self.tty:
            self.out.write("\r" + text + ("\n" if done >= total else ""))
        elif done / total >= self.next_tenth or done >= total:
            self.out.write(text + "\n")
            self.next_tenth = done / total + 0.1
        self.out.flush()
