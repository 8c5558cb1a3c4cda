"""A real PostgreSQL behind the DSM simulator's ``postgresclusters`` (issue #6).

Installed per appliance with ``appliance.set_backend("postgresclusters", PostgresBackend(lab_run_dir, port_base))``
(vcd/dbaas.py does it for every AZ's appliance).  It uses the lab's private PostgreSQL cluster
(services/postgres.py, port base+51, TLS with the lab CA):

* each cluster gets its own database ``dsm_<namespace>_<name>_<hash of its uid>`` and its own login role
  ``<adminUsername>_<hash>`` with a generated password; ``CONNECT`` is revoked from PUBLIC, so no other
  role of the server reaches it.  The connection DSM reports is ``localhost:<port>`` (the lab server
  certificate's SAN) and works with ``sslmode=verify-full`` and the lab CA;
* an on-demand backup (modelled, A29: the annotation ``dsm.vmware.com/backup-request: <name>`` on the
  cluster) is a real ``pg_dump -Fc`` into ``<run_dir>/dsm-backups/<az>/<backup location>/<ns>/<cluster>/``;
  the cluster's ``status.backups`` lists them ({name, time, location, sizeBytes});
* ``spec.basedOn.cluster{name, timestamp?}`` (or ``archivedCluster``) restores the chosen backup (the named
  one in ``basedOn.backupName``, else the latest at or before ``timestamp``, else the latest) with
  ``pg_restore`` into the new cluster's database;
* deleting a cluster drops its database (the dumps stay, as DSM keeps an archived cluster's backups);
  deleting the ``ArchivedPostgresCluster`` removes them;
* ``set_access(cluster, {role: (password, level)})`` creates login roles for directory users (named
  ``<user>@<org>``, their directory password: the modelled LDAPS access) with ReadOnly / ReadWrite /
  FullControl privileges on the cluster's database (the VCD access control, A31) and revokes the others.
"""
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading

from .backends import ClusterBackend, password as new_password

BACKUP_ANNOTATION = "dsm.vmware.com/backup-request"
LEVELS = ("ReadOnly", "ReadWrite", "FullControl")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _slug(text, size=40):
    return re.sub(r"[^a-z0-9_]", "_", str(text).lower())[:size]


class PostgresBackend(ClusterBackend):
    engine = "postgres"

    def __init__(self, run_dir, port_base, az_name="az1"):
        self.run_dir = run_dir
        self.port_base = int(port_base)
        self.az = az_name
        self.lock = threading.RLock()
        self.attached = set()

    # ------------------------------------------------------------------ server
    @property
    def info(self):
        path = os.path.join(self.run_dir, "postgres.json")
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        from ..services import postgres
        return postgres.info(self.run_dir, self.port_base)

    @property
    def port(self):
        return int(self.info["port"])

    def _admin(self, database="postgres"):
        import pg8000.native
        i = self.info
        return pg8000.native.Connection(user=i["admin_user"], password=i["admin_password"], host="127.0.0.1",
                                        port=int(i["port"]), database=database, timeout=30)

    def _bin(self, tool):
        bindir = self.info.get("bindir")
        if not bindir:
            from ..services.postgres import _bindir
            bindir = _bindir()
        return os.path.join(bindir, tool)

    def _env(self):
        return dict(os.environ, PGPASSWORD=self.info["admin_password"], PGSSLMODE="disable")

    @staticmethod
    def names(cluster):
        meta, spec = cluster["metadata"], cluster.get("spec") or {}
        ns, name = meta.get("namespace") or "default", meta["name"]
        tag = hashlib.sha1(("%s/%s/%s" % (ns, name, meta.get("uid", ""))).encode()).hexdigest()[:8]
        db = "dsm_%s_%s_%s" % (_slug(ns, 16), _slug(name, 28), tag)
        role = "%s_%s" % (_slug(spec.get("adminUsername") or "pgadmin", 30), tag)
        return db, role

    def attach(self, appliance):
        """Follow the appliance's events (on-demand backups, archive deletion)."""
        if id(appliance) not in self.attached:
            appliance.listeners.append(self._on_event)
            self.attached.add(id(appliance))

    # ------------------------------------------------------------------ ClusterBackend
    def provision(self, appliance, cluster):
        from pg8000.native import identifier, literal
        self.attach(appliance)
        db, role = self.names(cluster)
        pw = new_password(18)
        self._forget_stale_backups(appliance, cluster)
        with self.lock:
            con = self._admin()
            try:
                if con.run("SELECT 1 FROM pg_roles WHERE rolname = :r", r=role):
                    con.run("ALTER ROLE %s WITH LOGIN PASSWORD %s" % (identifier(role), literal(pw)))
                else:
                    con.run("CREATE ROLE %s WITH LOGIN PASSWORD %s" % (identifier(role), literal(pw)))
                if not con.run("SELECT 1 FROM pg_database WHERE datname = :d", d=db):
                    con.run("CREATE DATABASE %s OWNER %s" % (identifier(db), identifier(role)))
                con.run("REVOKE ALL ON DATABASE %s FROM PUBLIC" % identifier(db))
            finally:
                con.close()
            based = (cluster.get("spec") or {}).get("basedOn") or {}
            if based:
                self.restore(appliance, cluster, (based.get("cluster") or based.get("archivedCluster") or {})
                             .get("name"), (based.get("cluster") or based.get("archivedCluster") or {})
                             .get("timestamp"), based.get("backupName"))
        return {"host": "localhost", "port": self.port, "dbname": db, "username": role, "password": pw}

    def _forget_stale_backups(self, appliance, cluster):
        """Dumps of an earlier cluster of the same name (an earlier lab run) are not this one's - unless DSM keeps
        them for an archived cluster of that name."""
        from .appliance import KINDS, DATABASES
        ns, name = cluster["metadata"].get("namespace") or "default", cluster["metadata"]["name"]
        if appliance is not None and hasattr(appliance, "get") and \
                appliance.get(KINDS[(DATABASES, "archivedpostgresclusters")], ns, name) is not None:
            return
        root = os.path.join(self.run_dir, "dsm-backups", self.az)
        for loc in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            shutil.rmtree(os.path.join(root, loc, ns, name), ignore_errors=True)

    def resize(self, appliance, cluster, old_spec):
        """Scale-up and minor upgrades change nothing in the one lab server."""

    def delete(self, appliance, cluster):
        from pg8000.native import identifier
        db, role = self.names(cluster)
        with self.lock:
            con = self._admin()
            try:
                if con.run("SELECT 1 FROM pg_database WHERE datname = :d", d=db):
                    con.run("DROP DATABASE %s WITH (FORCE)" % identifier(db))
                con.run("DROP ROLE IF EXISTS %s" % identifier(role))
            finally:
                con.close()

    # ------------------------------------------------------------------ backups
    def backup_dir(self, ns, cluster_name, location=None):
        root = os.path.join(self.run_dir, "dsm-backups", self.az)
        if location:
            return os.path.join(root, location, ns, cluster_name)
        for loc in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            path = os.path.join(root, loc, ns, cluster_name)
            if os.path.isdir(path):
                return path
        return None

    def backups(self, ns, cluster_name):
        path = self.backup_dir(ns, cluster_name)
        if not path or not os.path.exists(os.path.join(path, "index.json")):
            return []
        with open(os.path.join(path, "index.json")) as f:
            return json.load(f)

    def backup(self, appliance, cluster, name):
        """pg_dump into the backup location; returns the backup record."""
        spec = cluster.get("spec") or {}
        location = (spec.get("backupLocation") or {}).get("name")
        if not location:
            raise RuntimeError("cluster %s has no backup location" % cluster["metadata"]["name"])
        ns, cname = cluster["metadata"].get("namespace") or "default", cluster["metadata"]["name"]
        path = self.backup_dir(ns, cname, location)
        os.makedirs(path, exist_ok=True)
        db, _ = self.names(cluster)
        dump = os.path.join(path, "%s.dump" % _slug(name, 60))
        i = self.info
        p = subprocess.run([self._bin("pg_dump"), "-Fc", "-h", "127.0.0.1", "-p", str(i["port"]), "-U",
                            i["admin_user"], "-f", dump, db], env=self._env(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, check=False, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("pg_dump of %s failed: %s" % (db, p.stdout[-500:]))
        record = {"name": name, "type": "full", "time": _now(), "location": location,
                  "sizeBytes": os.path.getsize(dump), "file": os.path.basename(dump)}
        index = [b for b in self.backups(ns, cname) if b["name"] != name] + [record]
        with open(os.path.join(path, "index.json"), "w") as f:
            json.dump(index, f, indent=1)
        return record

    def restore(self, appliance, cluster, source_name, timestamp=None, backup_name=None):
        ns = cluster["metadata"].get("namespace") or "default"
        found = self.backups(ns, source_name)
        if backup_name:
            found = [b for b in found if b["name"] == backup_name]
        elif timestamp:
            found = [b for b in found if b["time"] <= timestamp]
        if not found:
            raise RuntimeError("no backup of %s to restore from%s" % (
                source_name, " (backup %s)" % backup_name if backup_name else ""))
        chosen = sorted(found, key=lambda b: b["time"])[-1]
        dump = os.path.join(self.backup_dir(ns, source_name), chosen["file"])
        db, role = self.names(cluster)
        i = self.info
        p = subprocess.run([self._bin("pg_restore"), "--no-owner", "--no-acl", "--role", role, "-h", "127.0.0.1",
                            "-p", str(i["port"]), "-U", i["admin_user"], "-d", db, dump], env=self._env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("pg_restore into %s failed: %s" % (db, p.stdout[-500:]))
        cluster.setdefault("status", {})["restoredFrom"] = {"cluster": source_name, "backup": chosen["name"],
                                                            "time": chosen["time"]}
        return chosen

    def _on_event(self, app, event, kind, obj):
        if kind.plural == "postgresclusters" and event == "updated":
            want = (obj["metadata"].get("annotations") or {}).get(BACKUP_ANNOTATION)
            status = obj.setdefault("status", {})
            done = [b["name"] for b in status.get("backups") or []]
            if want and want not in done:
                try:
                    record = self.backup(app, obj, want)
                    status["backups"] = [b for b in status.get("backups") or [] if b["name"] != want] + [record]
                    status.pop("backupError", None)
                except Exception as exc:  # noqa: BLE001 - reported in the status
                    status["backupError"] = "%s: %s" % (want, exc)
        elif kind.plural == "archivedpostgresclusters" and event == "deleted":
            path = self.backup_dir(obj["metadata"].get("namespace") or "default", obj["metadata"]["name"])
            if path:
                shutil.rmtree(path, ignore_errors=True)

    # ------------------------------------------------------------------ access (A31)
    GRANTEES = ("SELECT DISTINCT r.rolname FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a "
                "JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = :d AND a.privilege_type = 'CONNECT' "
                "AND r.rolname <> :o AND NOT r.rolsuper")

    def grantees(self, cluster):
        db, owner = self.names(cluster)
        con = self._admin()
        try:
            return sorted(r for (r,) in con.run(self.GRANTEES, d=db, o=owner))
        finally:
            con.close()

    def set_access(self, cluster, grants):
        """``grants`` = {login role: (password, level)}: exactly these directory users reach the database."""
        from pg8000.native import identifier, literal
        db, owner = self.names(cluster)
        o = identifier(owner)
        with self.lock:
            con = self._admin()
            try:
                have = [r for (r,) in con.run(self.GRANTEES, d=db, o=owner)]
                for role, (pw, _level) in sorted(grants.items()):
                    verb = "ALTER" if con.run("SELECT 1 FROM pg_roles WHERE rolname = :r", r=role) else "CREATE"
                    con.run("%s ROLE %s WITH LOGIN PASSWORD %s" % (verb, identifier(role), literal(pw)))
                for role in have:
                    if role not in grants:
                        con.run("REVOKE ALL ON DATABASE %s FROM %s" % (identifier(db), identifier(role)))
            finally:
                con.close()
            con = self._admin(db)
            try:
                for role in set(have) | set(grants):
                    r = identifier(role)
                    con.run("REVOKE %s FROM %s" % (o, r))
                    con.run("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %s" % r)
                    con.run("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %s" % r)
                    con.run("ALTER DEFAULT PRIVILEGES FOR ROLE %s IN SCHEMA public REVOKE ALL ON TABLES FROM %s"
                            % (o, r))
                    con.run("REVOKE ALL ON SCHEMA public FROM %s" % r)
                for role, (_pw, level) in sorted(grants.items()):
                    r = identifier(role)
                    con.run("GRANT CONNECT ON DATABASE %s TO %s" % (identifier(db), r))
                    con.run("GRANT USAGE ON SCHEMA public TO %s" % r)
                    privs = {"ReadOnly": "SELECT", "ReadWrite": "SELECT, INSERT, UPDATE, DELETE",
                             "FullControl": "ALL"}[level]
                    con.run("GRANT %s ON ALL TABLES IN SCHEMA public TO %s" % (privs, r))
                    con.run("ALTER DEFAULT PRIVILEGES FOR ROLE %s IN SCHEMA public GRANT %s ON TABLES TO %s"
                            % (o, privs, r))
                    if level != "ReadOnly":
                        con.run("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %s" % r)
                    if level == "FullControl":
                        con.run("GRANT %s TO %s" % (o, r))
            finally:
                con.close()
