"""One benchmark server, in its own process: `python server.py MODE PORT DATA_DIR`.

    protected    the real Muster app as `muster serve` builds it: sealing, key store, audit log
    unprotected  the same app, database and server, but every personal value is written as plain JSON
                 (JsonCodec), no data key is made and no audit entry appended: patched here, in this
                 process only, not through a product flag
    floor        a bare FastAPI endpoint inserting the JSON body into one SQLite table, with the same
                 durability as Muster (WAL, synchronous=FULL): what the framework and the disk cost
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import uvicorn


def protected_app(data_dir: Path) -> Any:
    from muster.bootstrap import build, prepare
    from muster.config import Settings
    from muster.web.app import create_app

    container = build(Settings(data_dir=data_dir, demo=False, public_rate_limit=0))
    prepare(container)
    return create_app(container)


def unprotected_app(data_dir: Path) -> Any:
    """The same build with the protection taken out where it is wired in, so every other part of the
    app (hooks, background jobs, validation, receipts) stays exactly as shipped."""
    import muster.bootstrap as bootstrap
    from muster.crypto.keypool import DataKeyPool
    from muster.services.audit import AuditService
    from muster.storage.codec import JsonCodec

    bootstrap.sealing_codec = lambda ring, pool=None: JsonCodec()  # type: ignore[assignment,misc]
    DataKeyPool.new_id = lambda self: str(uuid.uuid4())  # type: ignore[method-assign]  # no data keys made
    AuditService.commit = lambda self, uow, *events: uow.commit()  # type: ignore[method-assign]  # no entries
    return protected_app(data_dir)


def floor_app(data_dir: Path) -> Any:
    from fastapi import Body, FastAPI

    path = data_dir / "floor.db"
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "c"):
            c = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=FULL")
            c.execute("PRAGMA busy_timeout=10000")
            local.c = c
        return local.c

    connection().execute("CREATE TABLE IF NOT EXISTS submissions (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    app = FastAPI()

    @app.post("/api/applications", status_code=201)
    def submit(body: dict[str, Any] = Body(...)) -> dict[str, str]:
        c = connection()
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT INTO submissions VALUES (?, ?)", (str(uuid.uuid4()), json.dumps(body, ensure_ascii=False)))
        c.execute("COMMIT")
        return {"status": "received"}

    @app.get("/apply")
    def ready() -> dict[str, str]:
        return {}

    return app


MODES = {"protected": protected_app, "unprotected": unprotected_app, "floor": floor_app}


if __name__ == "__main__":
    mode, port, data_dir = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    data_dir.mkdir(parents=True, exist_ok=True)
    uvicorn.run(MODES[mode](data_dir), host="127.0.0.1", port=port, access_log=False, log_level="warning",
                server_header=False)
