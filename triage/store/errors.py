"""The store's one error a user can act on."""


class StoreError(Exception):
    """A cache problem a user can act on; the message says what and where."""
