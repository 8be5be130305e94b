"""The exception for inputs that cannot give a trustworthy measurement."""

from __future__ import annotations


class InputProblem(Exception):
    """The input cannot be measured; the message says what is wrong and how to do better.

    Parameters
    ----------
    code
        A stable identifier for the problem (``"not_a_video"``, ``"no_person"``,
        ``"side_view"``, ...), for programs and tests.
    what
        What is wrong, in plain words ("No person was found in the video.").
    advice
        How to film it better ("Film the whole body, head to feet, from 2-3 m away.").

    Notes
    -----
    ``str(problem)`` is a single line, ``"<what> <advice>"``, fit to print as the only
    line on stderr before exit code 2 and to show in the dashboard.
    """

    def __init__(self, code: str, what: str, advice: str = "") -> None:
        self.code = code
        self.what = what.strip()
        self.advice = advice.strip()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = self.what if not self.advice else f"{self.what} {self.advice}"
        return " ".join(text.split())

    def __str__(self) -> str:
        return self.message
