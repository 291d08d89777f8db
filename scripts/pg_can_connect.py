"""Exit 0 if the PostgreSQL URL given accepts a connection (used by scripts/test)."""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError


def main() -> int:
    url, explain = sys.argv[1], "--explain" in sys.argv[2:]
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        if explain:
            print(f"cannot reach PostgreSQL for the tests: {error.orig or error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
