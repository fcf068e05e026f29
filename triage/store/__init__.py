"""The SQLite cache: schema, ingest, views, workflow, export. No Textual here."""

from .api import open_store as connect  # a cache file, or a PostgreSQL database
from .schema import SCHEMA_VERSION, StoreError

__all__ = ["SCHEMA_VERSION", "StoreError", "connect"]
