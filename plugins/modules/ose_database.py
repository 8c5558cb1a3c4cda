#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_database
short_description: Create the PostgreSQL database and user of Object Storage Extension
description:
  - Connects to the provider's PostgreSQL (HA) cluster as an administrator and makes sure the OSE
    database (UTF8, owned by the OSE user) and the OSE login role exist, with a connection limit of
    90 per OSE node.
  - Checks first that the server is PostgreSQL 11 to 15 and that C(max_connections) leaves room for
    90 connections per node; an unreachable server or a refused login fails with a clear message
    before anything is written.
  - The password of the OSE user is set when the user is created, and checked (by logging in) on
    later runs; it is changed only when that login fails.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
attributes:
  check_mode:
    support: full
    description: Reports what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the database and its owner before and after (the password only as changed or unchanged).
options:
  host:
    description: PostgreSQL host (the cluster's address).
    type: str
    required: true
  port:
    description: PostgreSQL port.
    type: int
    default: 5432
  admin_user:
    description: A PostgreSQL user that may create roles and databases.
    type: str
    required: true
  admin_password:
    description: Its password.
    type: str
    required: true
  admin_database:
    description: Database to connect to as the administrator.
    type: str
    default: postgres
  name:
    description: Name of the OSE database.
    type: str
    required: true
  user:
    description: OSE login role (owner of the database).
    type: str
    required: true
  password:
    description: Password of O(user).
    type: str
    required: true
  nodes:
    description: Number of OSE nodes that will use the database (90 connections each).
    type: int
    default: 2
  connect_timeout:
    description: Seconds to wait for the server.
    type: int
    default: 10
  ssl_mode:
    description: V(require) to use TLS, V(disable) for none.
    type: str
    choices: [disable, require]
    default: disable
requirements:
  - pg8000
"""

EXAMPLES = r"""
- name: OSE database on the provider's cluster
  vcdops.platform.ose_database:
    host: pg.az1.example.com
    admin_user: postgres
    admin_password: "{{ vault_pg_admin_password }}"
    name: ose
    user: ose
    password: "{{ vault_ose_db_password }}"
    nodes: 2
"""

RETURN = r"""
database:
  description: The database and role as the module manages them.
  returned: always
  type: dict
  contains:
    name:
      description: Database name.
      type: str
    owner:
      description: Owner role.
      type: str
    encoding:
      description: Encoding.
      type: str
    connection_limit:
      description: Connection limit of the role.
      type: int
server_version:
  description: PostgreSQL server version.
  returned: success
  type: str
"""

import re

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import pg8000.native
    HAS_PG = True
except ImportError:
    HAS_PG = False

CONNECTIONS_PER_NODE = 90
IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def connect(p, user, password, database):
    kwargs = dict(user=user, password=password, host=p["host"], port=p["port"], database=database,
                  timeout=p["connect_timeout"])
    if p["ssl_mode"] == "require":
        import ssl
        kwargs["ssl_context"] = ssl.create_default_context()
    return pg8000.native.Connection(**kwargs)


def main():
    module = AnsibleModule(argument_spec=dict(
        host=dict(type="str", required=True), port=dict(type="int", default=5432),
        admin_user=dict(type="str", required=True), admin_password=dict(type="str", required=True, no_log=True),
        admin_database=dict(type="str", default="postgres"), name=dict(type="str", required=True),
        user=dict(type="str", required=True), password=dict(type="str", required=True, no_log=True),
        nodes=dict(type="int", default=2), connect_timeout=dict(type="int", default=10),
        ssl_mode=dict(type="str", default="disable", choices=["disable", "require"])), supports_check_mode=True)
    if not HAS_PG:
        module.fail_json(msg=missing_required_lib("pg8000"))
    p = module.params
    for key in ("name", "user"):
        if not IDENT.match(p[key]):
            module.fail_json(msg="%s %r is not a plain PostgreSQL name (lower case letters, digits, _)" % (key, p[key]))
    if p["nodes"] < 1:
        module.fail_json(msg="nodes must be 1 or more")
    where = "%s:%s" % (p["host"], p["port"])
    try:
        con = connect(p, p["admin_user"], p["admin_password"], p["admin_database"])
    except pg8000.exceptions.DatabaseError as exc:
        msg = exc.args[0].get("M", str(exc)) if exc.args and isinstance(exc.args[0], dict) else str(exc)
        module.fail_json(msg="PostgreSQL at %s refused the login of %s: %s" % (where, p["admin_user"], msg))
    except (pg8000.exceptions.InterfaceError, OSError) as exc:
        module.fail_json(msg="cannot reach PostgreSQL at %s (%s): the OSE backend must be up before OSE is "
                             "configured" % (where, exc))
    need = CONNECTIONS_PER_NODE * p["nodes"]
    try:
        version = con.run("SHOW server_version")[0][0]
        major = int(version.split(".")[0])
        if not 11 <= major <= 15:
            module.fail_json(msg="PostgreSQL at %s is %s; OSE supports 11 to 15" % (where, version))
        max_conn = int(con.run("SHOW max_connections")[0][0])
        if max_conn < need:
            module.fail_json(msg="PostgreSQL at %s allows %d connections; %d OSE node(s) need %d (90 each)"
                             % (where, max_conn, p["nodes"], need))
        role = con.run("SELECT rolconnlimit FROM pg_roles WHERE rolname = :n", n=p["user"])
        db = con.run("SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding) FROM pg_database "
                     "WHERE datname = :n", n=p["name"])
        before = {"name": p["name"] if db else None, "owner": db[0][0] if db else None,
                  "encoding": db[0][1] if db else None, "connection_limit": role[0][0] if role else None}
        if db and db[0][1] != "UTF8":
            module.fail_json(msg="database %s exists with encoding %s; OSE needs UTF8" % (p["name"], db[0][1]))
        password_ok = False
        if role:
            try:
                connect(p, p["user"], p["password"], p["admin_database"]).close()
                password_ok = True
            except pg8000.exceptions.DatabaseError:
                password_ok = False
        after = {"name": p["name"], "owner": p["user"], "encoding": "UTF8", "connection_limit": need}
        steps = []
        if not role:
            steps.append("CREATE ROLE %s LOGIN CONNECTION LIMIT %d PASSWORD :pw" % (p["user"], need))
        else:
            if role[0][0] != need:
                steps.append("ALTER ROLE %s CONNECTION LIMIT %d" % (p["user"], need))
            if not password_ok:
                steps.append("ALTER ROLE %s PASSWORD :pw" % p["user"])
        if not db:
            steps.append("CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0" % (p["name"], p["user"]))
        elif db[0][0] != p["user"]:
            steps.append("ALTER DATABASE %s OWNER TO %s" % (p["name"], p["user"]))
        result = {"changed": bool(steps), "database": after if steps else before, "server_version": version}
        if steps and module._diff:
            result["diff"] = {"before": before,
                              "after": dict(after, password="changed" if not password_ok else "unchanged")}
        if steps and not module.check_mode:
            for sql in steps:
                if ":pw" in sql:
                    con.run(sql.replace(":pw", "'%s'" % p["password"].replace("'", "''")))
                else:
                    con.run(sql)
    except pg8000.exceptions.DatabaseError as exc:
        msg = exc.args[0].get("M", str(exc)) if exc.args and isinstance(exc.args[0], dict) else str(exc)
        module.fail_json(msg="PostgreSQL at %s: %s" % (where, msg))
    finally:
        con.close()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
