"""Alembic environment for the review store.

The store runs migrations itself (``ReviewStore.open``) on the connection it already holds,
so this file only binds that connection; a URL in the config is the fallback for running
``alembic`` by hand. No ``fileConfig``: the store must not reconfigure the caller's logging.
"""

from alembic import context
from sqlalchemy import create_engine

VERSION_TABLE = "tsukasa_review_alembic_version"


def _run(connection) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)
