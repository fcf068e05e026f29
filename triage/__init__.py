"""triage: a keyboard-driven terminal console for diplomatic cable traffic."""

__version__ = "0.1.0"
