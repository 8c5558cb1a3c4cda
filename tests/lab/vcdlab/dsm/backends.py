"""What stands behind a DSM database cluster: pluggable.

The DSM simulator asks ``appliance.backend_for(kind)`` to provision, resize and delete the database of
a cluster object.  ``SimulatedBackend`` only invents a connection (an address from the cluster's IP
pool, the engine's port, a generated password).  A backend that runs a real PostgreSQL (issue #6)
implements the same four methods and is installed with ``appliance.set_backend("postgresclusters",
backend)``; nothing else in the simulator changes.
"""
import secrets
import string


class ClusterBackend:
    """Interface."""

    engine = None
    port = None

    def provision(self, appliance, cluster):
        """Create the database; return {host, port, dbname, username, password}."""
        raise NotImplementedError

    def resize(self, appliance, cluster, old_spec):
        """Apply a scale-up (replicas/members, vmClass, storage)."""

    def delete(self, appliance, cluster):
        """Drop the database (the cluster object is going away)."""

    def restore(self, appliance, cluster, source_name, timestamp=None):
        """Fill a new cluster from another one's backup (``spec.basedOn``)."""


def password(length=16):
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(length - 3))
    return core + secrets.choice(string.ascii_uppercase) + secrets.choice(string.digits) + "!"


class SimulatedBackend(ClusterBackend):
    """No database: a plausible connection taken from the cluster's IP pool."""

    def __init__(self, engine, port):
        self.engine = engine
        self.port = port

    def provision(self, appliance, cluster):
        spec = cluster.get("spec") or {}
        user = spec.get("adminUsername") or ("pgadmin" if self.engine == "postgres" else "root")
        return {"host": appliance.allocate_ip(cluster), "port": self.port,
                "dbname": spec.get("databaseName") or cluster["metadata"]["name"] if self.engine == "postgres" else "",
                "username": user, "password": password()}

    def delete(self, appliance, cluster):
        appliance.release_ip(cluster)
