"""Alembic environment of the CRM store (configured in code by assets/store/migrate.py)."""
