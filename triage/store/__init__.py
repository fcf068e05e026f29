"""The SQLite cache: schema, ingest, views, workflow, export. No Textual here."""

from .schema import SCHEMA_VERSION, StoreError, connect

__all__ = ["SCHEMA_VERSION", "StoreError", "connect"]
