"""The store's migrations, one file per revision (Alembic skips this file)."""
