"""Small PostgreSQL helpers for ./kbe, run with the project's virtual environment.

kbe_db.py ping   HOST PORT USER PASSWORD         exit 0 when a server answers
kbe_db.py exists HOST PORT USER PASSWORD DBNAME  exit 0 when DBNAME exists
kbe_db.py drop   HOST PORT USER PASSWORD DBNAME  drop DBNAME if it exists
kbe_db.py copy   HOST PORT USER PASSWORD SOURCE TARGET  (re)create TARGET from SOURCE
"""

import sys

import psycopg2
from psycopg2 import sql


def connect(host, port, user, password, dbname="postgres"):
    return psycopg2.connect(
        host=host, port=int(port), user=user, password=password or None, dbname=dbname, connect_timeout=5
    )


def main(argv):
    command, host, port, user, password, *names = argv
    try:
        conn = connect(host, port, user, password)
    except psycopg2.OperationalError as exc:
        if "does not exist" in str(exc):
            # the server answers, but has no "postgres" database: try template1
            conn = connect(host, port, user, password, "template1")
        elif command == "ping":
            return 1
        else:
            print(f"kbe: error: PostgreSQL at {host}:{port} refused {user}: {exc}".strip(), file=sys.stderr)
            return 1
    conn.autocommit = True
    # no `with conn`: it would open a transaction, and DROP/CREATE DATABASE refuse to run in one
    with conn.cursor() as cr:
        if command == "ping":
            return 0
        if command == "exists":
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [names[0]])
            return 0 if cr.fetchone() else 1
        if command == "installed":
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [names[0]])
            if not cr.fetchone():
                return 1
            db = connect(host, port, user, password, names[0])
            try:
                with db.cursor() as dbcr:
                    dbcr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
                    if not dbcr.fetchone()[0]:
                        return 1
                    dbcr.execute("SELECT 1 FROM ir_module_module WHERE name = 'crm_kbe' AND state = 'installed'")
                    return 0 if dbcr.fetchone() else 1
            finally:
                db.close()
        if command in ("drop", "copy"):
            target = names[-1]
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [target],
            )
            cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
            if command == "copy":
                cr.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(names[0]))
                )
            return 0
    print(f"kbe: error: unknown command {command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
