"""What the command line prints: client text made safe for a terminal first."""

from __future__ import annotations


def printable(text: object) -> str:
    """Text safe for a terminal: control and bidirectional-override characters from a client's files shown as
    escapes (``\\x1b``), so a client name cannot move the cursor, recolour or hide what the kit prints.

    Examples
    --------
    >>> printable("Acme\\x1b[2J Ltd\\u202e")
    'Acme\\\\x1b[2J Ltd\\\\u202e'
    """
    return "".join(ch if ch in "\n\t" or not _hidden(ch) else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


def _hidden(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in ("Cc", "Cf")


def say(*parts: object, file=None) -> None:
    """``print`` for everything the command line shows: client text made :func:`printable` first."""
    print(*(printable(part) for part in parts), file=file)


def _say_how_read(client, echo) -> None:
    """How each file was read, and what the loader decided on the client's behalf."""
    for source in client.sources:
        echo(f"  {source}")
    for note in client.notes:
        echo(f"  note: {note}")
