"""Data Solutions Extension backend (api-reference §4): what creating a DSE add-on instance does.

The DSE add-on is recognised by its manifest (vendor `vmware`, name `ds`).  Creating an instance:
  * creates the RDE types `vmware:dsConfig:0.1`, `vmware:dsInstanceTemplate:0.1`,
    `vmware:dsOrgConfig:0.1.1` and `vmware:dsCluster:0.1` (A17) - with their Entitlement bundles, which
    the installer publishes to all tenants (lab modelling: entity ACLs to tenants need them, and the
    UI's publish flow only publishes the rights bundle below);
  * creates the seven dsConfig entities (one per solution, `entity.spec.artifacts[0].name`, defaults =
    fixtures, A18) and the built-in instance templates, all in the System org;
  * creates the rights bundle `vmware:dataSolutionsRightsBundle`.
Instantiating again (after a delete) reuses what exists.  Deleting the instance refuses while data
solution clusters (`vmware:dsCluster` entities) exist, unless `force-delete` is true; the dsConfigs,
templates, types and bundle stay (running clusters keep working).

For other areas (the DSM developer's data solutions): `SOLUTIONS` (add entries before an instance is
created) and `ensure_solution(state, az, owner_id, solution)` create further dsConfigs.
"""
from ..framework import ApiError, new_uuid
from . import addons, rde
from . import rights as rights_area

DSCONFIG = ("vmware", "dsConfig", "0.1")
TEMPLATE = ("vmware", "dsInstanceTemplate", "0.1")
ORGCONFIG = ("vmware", "dsOrgConfig", "0.1.1")
CLUSTER = ("vmware", "dsCluster", "0.1")
RIGHTS_BUNDLE = "vmware:dataSolutionsRightsBundle"
DSO = "VCD Data Solutions"

_ART = {"type": "object", "required": ["name", "type"], "properties": {
    "name": {"type": "string", "minLength": 1}, "type": {"enum": ["ChartRepository", "PackageRepository"]},
    "chartRepository": {"type": "string"}, "defaultChartRepository": {"type": "string"},
    "packageName": {"type": "string"}, "defaultPackageName": {"type": "string"},
    "image": {"type": "string"}, "defaultImage": {"type": "string"},
    "version": {"type": "string", "minLength": 1}, "defaultVersion": {"type": "string"},
    "compatibleVersions": {"type": "string"}, "requireVersionCompatibility": {"type": "boolean"}}}
DSCONFIG_SCHEMA = {"type": "object", "required": ["spec"], "properties": {"spec": {
    "type": "object", "required": ["artifacts", "solutionType"], "properties": {
        "solutionType": {"type": "string"}, "description": {"type": "string"},
        "artifacts": {"type": "array", "minItems": 1, "items": _ART},
        "dockerConfig": {"type": "object", "properties": {"auths": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["username", "password"], "properties": {
                "username": {"type": "string"}, "password": {"type": "string"},
                "description": {"type": "string"}}}}}}}}}}
TEMPLATE_SCHEMA = {"type": "object", "required": ["spec"], "properties": {"spec": {
    "type": "object", "required": ["solutionType", "data"], "properties": {
        "solutionType": {"type": "string"}, "version": {"type": "string"}, "builtIn": {"type": "boolean"},
        "featured": {"type": "boolean"}, "data": {"type": "object"}, "dataSchema": {"type": "object"}}}}}
ORGCONFIG_SCHEMA = {"type": "object", "required": ["kind", "apiVersion", "metadata", "spec"], "properties": {
    "kind": {"enum": ["DSOrgConfig"]}, "apiVersion": {"type": "string"},
    "metadata": {"type": "object", "required": ["name"]},
    "spec": {"type": "object", "required": ["solutionType", "data"], "properties": {
        "solutionType": {"type": "string"},
        "data": {"type": "object", "required": ["LicenseType"], "properties": {
            "LicenseType": {"enum": ["With License", "No License"]}}},
        "privateSecureData": {"type": "object", "x-vcloud-restricted": "private", "properties": {
            "LicenseKey": {"type": "string", "x-vcloud-restricted": "private"}}}}}}}

REG = "projects.registry.vmware.com/vcd-data-solutions"
# (name, solutionType, artifact) - the defaults are fixtures (A18)
SOLUTIONS = [
    (DSO, "dso", {"type": "PackageRepository", "defaultImage": REG + "/dso-package:1.4.0", "defaultVersion": "1.4.0",
                  "compatibleVersions": ">=1.4.0 <1.5.0"}),
    ("MongoDB Community", "mongodb-community", {
        "type": "ChartRepository", "defaultChartRepository": "https://mongodb.github.io/helm-charts",
        "defaultPackageName": "community-operator", "defaultVersion": "0.9.0", "compatibleVersions": ">=0.8.0 <1.0.0"}),
    ("MongoDB", "mongodb", {
        "type": "ChartRepository", "defaultChartRepository": "https://mongodb.github.io/helm-charts",
        "defaultPackageName": "enterprise-operator", "defaultVersion": "1.24.0", "compatibleVersions": ">=1.20.0 <2.0.0"}),
    ("Confluent Platform", "confluent-platform", {
        "type": "ChartRepository", "defaultChartRepository": "https://packages.confluent.io/helm",
        "defaultPackageName": "confluent-for-kubernetes", "defaultVersion": "0.824.40",
        "compatibleVersions": ">=0.700.0 <1.0.0"}),
    ("VMware SQL with Postgres", "postgres", {
        "type": "PackageRepository", "defaultImage": REG + "/vmware-sql-postgres-package:1.13.0",
        "defaultVersion": "1.13.0", "compatibleVersions": ">=1.10.0 <2.0.0"}),
    ("VMware SQL with MySQL", "mysql", {
        "type": "PackageRepository", "defaultImage": REG + "/vmware-sql-mysql-package:1.10.0",
        "defaultVersion": "1.10.0", "compatibleVersions": ">=1.9.0 <2.0.0"}),
    ("VMware RabbitMQ", "rabbitmq", {
        "type": "PackageRepository", "defaultImage": REG + "/vmware-rabbitmq-package:1.4.0",
        "defaultVersion": "1.4.0", "compatibleVersions": ">=1.3.0 <2.0.0"}),
]
# (template name, solutionType, version, cpu, memory, storage, highAvailability)
TEMPLATES = [
    ("mongodb-community-small", "mongodb-community", "6.0", 1, "2Gi", "10Gi", False),
    ("mongodb-small", "mongodb", "6.0", 2, "4Gi", "20Gi", False),
    ("confluent-small", "confluent-platform", "7.5", 2, "8Gi", "50Gi", False),
    ("postgres-small", "postgres", "15", 1, "2Gi", "10Gi", False),
    ("postgres-ha", "postgres", "15", 2, "8Gi", "50Gi", True),
    ("mysql-small", "mysql", "8.0", 1, "2Gi", "10Gi", False),
    ("mysql-ha", "mysql", "8.0", 2, "8Gi", "50Gi", True),
    ("rabbitmq-small", "rabbitmq", "3.12", 1, "2Gi", "10Gi", False),
]
BUNDLE_RIGHTS = ["vmware:dsConfig: View", "vmware:dsInstanceTemplate: View", "vmware:dsOrgConfig: View",
                 "vmware:dsCluster: View", "vmware:dsCluster: Modify", "vmware:dsCluster: Full Access"]


def _type(state, az, t, name, schema):
    u = rde.type_urn(*t)
    typ = rde.find_type(state, u)
    if typ is None:
        typ = rde.seed_type(state, az, {"vendor": t[0], "nss": t[1], "version": t[2], "name": name,
                                        "schema": schema, "interfaces": []})
    bundle = next((b for b in state.all("rights_bundle") if b["name"] == "%s:%s Entitlement" % t[:2]), None)
    if bundle is not None:
        bundle["publishAll"] = True
    return typ


def _entities(state, t):
    u = rde.type_urn(*t)
    return [e for e in state.all("rde_entity") if e["entityType"] == u]


def ensure_solution(state, az, owner_id, solution):
    name, stype, art = solution
    for e in _entities(state, DSCONFIG):
        if ((e["entity"].get("spec") or {}).get("artifacts") or [{}])[0].get("name") == name:
            return e
    artifact = {"name": name, "requireVersionCompatibility": True}
    artifact.update(art)
    if art["type"] == "ChartRepository":
        artifact.update(chartRepository=art["defaultChartRepository"], packageName=art["defaultPackageName"],
                        version=art["defaultVersion"])
    else:
        artifact.update(image=art["defaultImage"], version=art["defaultVersion"])
    contents = {"spec": {"solutionType": stype, "description": "%s for VCD tenants" % name, "artifacts": [artifact]}}
    if name == DSO:
        contents["spec"]["dockerConfig"] = {"auths": {}}
    sysorg = addons._system_org(state)
    return rde.put_entity(state, az, rde.type_urn(*DSCONFIG), stype, contents, sysorg["id"], owner_id)


def _ensure_template(state, az, owner_id, tmpl):
    name, stype, version, cpu, memory, storage, ha = tmpl
    if any(e["name"] == name for e in _entities(state, TEMPLATE)):
        return
    contents = {"spec": {"solutionType": stype, "version": version, "builtIn": True, "featured": not ha,
                         "data": {"cpu": cpu, "memory": memory, "storage": storage, "namespace": "",
                                  "pvcPolicy": "Delete", "highAvailability": ha},
                         "dataSchema": {"type": "object"}}}
    sysorg = addons._system_org(state)
    rde.put_entity(state, az, rde.type_urn(*TEMPLATE), name, contents, sysorg["id"], owner_id)


class DseBackend:
    """ADDON_BACKENDS entry for vmware/ds."""

    def create(self, req, addon, instance):
        st, az, owner = req.state, req.az, req.session["user_id"]
        _type(st, az, DSCONFIG, "Data Solution Configuration", DSCONFIG_SCHEMA)
        _type(st, az, TEMPLATE, "Data Solution Instance Template", TEMPLATE_SCHEMA)
        _type(st, az, ORGCONFIG, "Data Solution Organization Configuration", ORGCONFIG_SCHEMA)
        _type(st, az, CLUSTER, "Data Solution Cluster", {"type": "object"})
        for solution in SOLUTIONS:
            ensure_solution(st, az, owner, solution)
        for tmpl in TEMPLATES:
            _ensure_template(st, az, owner, tmpl)
        rights_area.ensure_bundle(st, RIGHTS_BUNDLE, BUNDLE_RIGHTS, "Rights of the Data Solutions extension")

    def delete(self, req, addon, instance, values):
        clusters = _entities(req.state, CLUSTER)
        if clusters and not values.get("force-delete"):
            raise ApiError(400, "BAD_REQUEST", "[ %s ] %d data solution instances still run (%s): delete them or "
                           "set force-delete" % (new_uuid(), len(clusters), ", ".join(e["name"] for e in clusters)))


addons.ADDON_BACKENDS[("vmware", "ds")] = DseBackend()
