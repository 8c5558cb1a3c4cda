"""Server-side checks of DSM objects (answers 422 Invalid like the Kubernetes API server)."""
import ipaddress

from .appliance import CLUSTER_KINDS, DATABASES, INFRA, KINDS, gib, status_error


def _invalid(kind, name, field, message):
    return status_error(422, "Invalid", "%s.%s \"%s\" is invalid: %s: %s" % (kind.plural, kind.group, name, field, message),
                        {"name": name, "group": kind.group, "kind": kind.plural,
                         "causes": [{"reason": "FieldValueInvalid", "message": message, "field": field}]})


def validate(app, kind, obj, current):
    name = obj["metadata"].get("name")
    spec = obj.get("spec")
    if kind.has_spec and kind.plural not in ("secrets", "namespaces") and not isinstance(spec, dict):
        raise _invalid(kind, name, "spec", "Required value")
    fn = CHECKS.get(kind.plural)
    if fn:
        fn(app, kind, name, spec or {}, obj, current)


def _ippool(app, kind, name, spec, obj, current):
    try:
        prefix = int(spec.get("prefix"))
        net = ipaddress.ip_network("%s/%d" % (spec.get("gateway"), prefix), strict=False)
    except (TypeError, ValueError):
        raise _invalid(kind, name, "spec.gateway", "gateway %r / prefix %r is not a subnet" % (
            spec.get("gateway"), spec.get("prefix")))
    if not spec.get("addresses"):
        raise _invalid(kind, name, "spec.addresses", "Required value")
    for rng in spec["addresses"]:
        first, _, last = str(rng).partition("-")
        try:
            a, b = ipaddress.ip_address(first.strip()), ipaddress.ip_address((last or first).strip())
        except ValueError:
            raise _invalid(kind, name, "spec.addresses", "%r is not an address range" % rng)
        if a not in net or b not in net or a > b:
            raise _invalid(kind, name, "spec.addresses", "range %s is not inside %s" % (rng, net))


def _vmclass(app, kind, name, spec, obj, current):
    req = spec.get("requests") or {}
    try:
        cpu = int(req.get("cpu"))
    except (TypeError, ValueError):
        cpu = 0
    if cpu < 1 or not gib(req.get("memory")):
        raise _invalid(kind, name, "spec.requests", "cpu (integer >= 1) and memory (e.g. 8Gi) are required")


def _policy(app, kind, name, spec, obj, current):
    if not spec.get("placements"):
        raise _invalid(kind, name, "spec.placements", "Required value")
    for p in spec["placements"]:
        if not p.get("datacenter") or not p.get("cluster"):
            raise _invalid(kind, name, "spec.placements", "datacenter and cluster are required")
    if not spec.get("storagePolicies"):
        raise _invalid(kind, name, "spec.storagePolicies", "Required value")


def _backup_location(app, kind, name, spec, obj, current):
    for field in ("provider", "bucket", "endpoint"):
        if not spec.get(field):
            raise _invalid(kind, name, "spec." + field, "Required value")
    if spec.get("provider") not in ("s3", "s3-compatible"):
        raise _invalid(kind, name, "spec.provider", "supported values: \"s3\", \"s3-compatible\"")


def _cluster(app, kind, name, spec, obj, current):
    engine = CLUSTER_KINDS[kind.plural][0]
    if engine == "postgres":
        replicas = spec.get("replicas", 0)
        if replicas not in (0, 1, 3):
            raise _invalid(kind, name, "spec.replicas", "supported values: 0, 1, 3")
        size = replicas
        old = (current or {}).get("spec", {}).get("replicas") if current else None
        if "adminPassword" in spec:
            raise _invalid(kind, name, "spec.adminPassword", "unknown field")
    else:
        size = spec.get("members", 1)
        if size not in (1, 3, 5):
            raise _invalid(kind, name, "spec.members", "supported values: 1, 3, 5")
        old = (current or {}).get("spec", {}).get("members") if current else None
    if current is not None and old is not None and size < old:
        raise _invalid(kind, name, "spec.%s" % ("replicas" if engine == "postgres" else "members"),
                       "scaling down is not supported (%s -> %s)" % (old, size))
    version = app.full_version(engine, spec.get("version"))
    release = app.list(KINDS[("internal.dataservices.vmware.com", "dataservicesreleases")])
    allowed = [v for r in release for s in r["spec"]["services"]
               if s["name"] == ("vmware-sql-postgres" if engine == "postgres" else "vmware-sql-mysql")
               for v in s["supportedVersions"]]
    if version not in allowed:
        raise _invalid(kind, name, "spec.version", "version %r is not supported (allowed: %s)"
                       % (spec.get("version"), ", ".join(allowed)))
    vm_class = (spec.get("vmClass") or {}).get("name")
    if not vm_class or app.get(KINDS[(INFRA, "vmclasses")], None, vm_class) is None:
        raise _invalid(kind, name, "spec.vmClass.name", "VM class %r does not exist" % vm_class)
    policy = (spec.get("infrastructurePolicy") or {}).get("name")
    pol = app.get(KINDS[(INFRA, "infrastructurepolicies")], None, policy) if policy else None
    if pol is None:
        raise _invalid(kind, name, "spec.infrastructurePolicy.name", "infrastructure policy %r does not exist" % policy)
    if vm_class not in [c.get("name") for c in pol["spec"].get("vmClasses") or []]:
        raise _invalid(kind, name, "spec.vmClass.name", "VM class %r is not allowed by policy %s" % (vm_class, policy))
    storage = gib(spec.get("storageSpace"))
    if not storage:
        raise _invalid(kind, name, "spec.storageSpace", "a quantity like 60Gi is required")
    if current is not None:
        old_storage = gib((current.get("spec") or {}).get("storageSpace")) or 0
        if storage < old_storage:
            raise _invalid(kind, name, "spec.storageSpace", "storage cannot shrink (%s -> %s)" % (
                current["spec"].get("storageSpace"), spec.get("storageSpace")))
    backup = (spec.get("backupLocation") or {}).get("name")
    if backup and app.get(KINDS[(INFRA, "backuplocations")], None, backup) is None:
        raise _invalid(kind, name, "spec.backupLocation.name", "backup location %r does not exist" % backup)
    based = (spec.get("basedOn") or {})
    if based and current is None:
        src = (based.get("cluster") or {}).get("name") or (based.get("archivedCluster") or {}).get("name")
        ns = obj["metadata"].get("namespace")
        live = app.get(kind, ns, src)
        archived = app.get(KINDS[(DATABASES, "archived" + kind.plural)], ns, src)
        if live is None and archived is None:
            raise _invalid(kind, name, "spec.basedOn", "no cluster or archived cluster %r to restore from" % src)


def _role_binding(app, kind, name, obj_spec, obj, current):
    role = obj.get("role")
    if role not in ("DSM_ADMIN", "DSM_USER", "INFRA_ADMIN", "OBJECT_STORE_ADMIN"):
        raise _invalid(kind, name, "role", "supported values: DSM_ADMIN, DSM_USER")
    if current is not None and current.get("role") != role:
        raise _invalid(kind, name, "role", "field is immutable")
    mine = {(s.get("kind"), str(s.get("name", "")).lower()) for s in obj.get("subjects") or []}
    for other in app.list(kind):
        if other["metadata"]["name"] == name:
            continue
        theirs = {(s.get("kind"), str(s.get("name", "")).lower()) for s in other.get("subjects") or []}
        clash = mine & theirs
        if clash:
            raise _invalid(kind, name, "subjects", "%s %s is already bound in %s" % (
                sorted(clash)[0][0], sorted(clash)[0][1], other["metadata"]["name"]))


CHECKS = {"ippools": _ippool, "vmclasses": _vmclass, "infrastructurepolicies": _policy,
          "backuplocations": _backup_location, "postgresclusters": _cluster, "mysqlclusters": _cluster,
          "dsmrolebindings": _role_binding}
