"""Comparing two stores by meaning: who is grouped with whom and what each
customer's golden record says, without the ids and timestamps that differ
between an incremental history and one clean run."""

import pandas as pd
import sqlalchemy as sa


def content(url: str) -> tuple:
    """The store's meaning without ids and timestamps: who is grouped with whom,
    each customer's golden fields, and the quarantine."""
    engine = sa.create_engine(url)
    xref = pd.read_sql_table("customer_xref", engine)
    golden = pd.read_sql_table("golden_customer", engine).set_index("customer_id")
    groups = xref.groupby("customer_id").apply(
        lambda g: tuple(sorted(g["source_system"] + ":" + g["source_record_id"])), include_groups=False)
    fields = golden.drop(columns=["provenance"]).astype(str)
    customers = sorted((members, tuple(fields.loc[cid])) for cid, members in groups.items())
    quarantine = pd.read_sql_table("quarantine", engine).drop(columns=["quarantined_at"])
    return customers, sorted(map(tuple, quarantine.astype(str).to_numpy()))
