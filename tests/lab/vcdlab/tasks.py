"""Asynchronous tasks: queued -> running -> success | error | aborted.

    task = req.start_task("vdcUpdateVdc", owner=vdc_ref_legacy, apply=lambda: ..., org=org)

`apply()` runs when the task succeeds, under the state lock; raising ApiError turns the task
into `error` and nothing is applied.  A fault rule with `task_fail` makes the task fail with
that message without applying.  `manual=True` keeps the task `running` (progress 1) until
`complete(task_id, ...)` is called (RDE create waits for resolve this way).
"""
import threading
import time
from xml.sax.saxutils import quoteattr, escape

from .framework import ApiError, new_uuid, now_iso, urn


class TaskRunner:
    def __init__(self, az):
        self.az = az

    def start(self, req, operation_name, owner, apply=None, org=None, operation=None,
              manual=False, duration=None, fail=None, result=None, on_error=None):
        az = self.az
        u = new_uuid()
        user = req.session or {}
        org = org or ({"name": user.get("org_name"), "id": user.get("org_id")} if user else None)
        task = {
            "id": urn("task", u), "uuid": u, "name": "task", "status": "queued",
            "operation": operation or operation_name, "operationName": operation_name,
            "operationKey": None, "serviceNamespace": "com.vmware.cloud",
            "startTime": now_iso(), "endTime": None, "expiryTime": None,
            "cancelRequested": False, "progress": 0,
            "owner": owner, "error": None, "result": None,
            "user": {"name": user.get("user_name"), "id": user.get("user_id"), "type": "application/vnd.vmware.admin.user+xml"} if user else None,
            "organization": {"name": org.get("name"), "id": org.get("id"), "type": "application/vnd.vmware.vcloud.org+xml"} if org else None,
            "details": None, "manual": manual,
        }
        fail = fail if fail is not None else getattr(req, "task_fail", None)
        az.state.put("task", task)
        self._apply = getattr(self, "_apply", {})
        self._apply[u] = apply
        self._on_error = getattr(self, "_on_error", {})
        self._on_error[u] = on_error
        gen = az.state.generation
        d = float(duration if duration is not None else az.config.get("task_duration", 0.3))
        th = threading.Thread(target=self._run, args=(task, apply, fail, gen, d, result), daemon=True)
        th.start()
        return task

    def _run(self, task, apply, fail, gen, d, result):
        st = self.az.state
        time.sleep(d * 0.25)
        with st.lock:
            if st.generation != gen or task["status"] != "queued":
                return
            task["status"] = "running"
            task["progress"] = 1 if task["manual"] else 50
        if task["manual"]:
            return
        time.sleep(d * 0.75)
        self.finish(task, apply, fail, gen, result)

    def finish(self, task, apply, fail=None, gen=None, result=None):
        st = self.az.state
        with st.lock:
            before = task["status"]
            self._finish(task, apply, fail, gen, result)
            if before not in ("error", "aborted", "success") and task["status"] in ("error", "aborted"):
                cb = getattr(self, "_on_error", {}).get(task["uuid"])
                if cb:
                    try:
                        cb()
                    except Exception:
                        pass

    def _finish(self, task, apply, fail=None, gen=None, result=None):
        st = self.az.state
        if True:  # (caller holds the state lock)
            if gen is not None and st.generation != gen:
                return
            if task["status"] in ("success", "error", "aborted"):
                return
            if task["cancelRequested"]:
                task.update(status="aborted", endTime=now_iso())
                return
            if fail:
                task.update(status="error", endTime=now_iso(), error={
                    "majorErrorCode": 500, "minorErrorCode": "INTERNAL_SERVER_ERROR", "message": fail})
                return
            try:
                out = apply() if apply else None
            except ApiError as e:
                task.update(status="error", endTime=now_iso(), error={
                    "majorErrorCode": e.status, "minorErrorCode": e.minor, "message": e.message})
                return
            except Exception as e:  # a lab bug: show it in the task
                task.update(status="error", endTime=now_iso(), error={
                    "majorErrorCode": 500, "minorErrorCode": "INTERNAL_SERVER_ERROR",
                    "message": "vcdlab: %r" % e})
                return
            if result is None and isinstance(out, str):
                result = out
            task.update(status="success", endTime=now_iso(), progress=100)
            if result is not None:
                task["result"] = {"resultContent": result}

    def complete(self, task_id, error=None, result=None):
        """Finish a manual task (apply its effect unless error)."""
        task = self.az.state.get("task", task_id)
        if task is None:
            return None
        apply = getattr(self, "_apply", {}).get(task["uuid"])
        self.finish(task, apply, fail=error, result=result)
        return task


def _abs(base, href):
    return href if href is None or href.startswith("http") else base + href


def task_json(task, base):
    owner = dict(task["owner"]) if task.get("owner") else None
    if owner and owner.get("href"):
        owner["href"] = _abs(base, owner["href"])
    return {
        "otherAttributes": {}, "href": "%s/api/task/%s" % (base, task["uuid"]),
        "type": "application/vnd.vmware.vcloud.task+json", "id": task["id"], "name": task["name"],
        "status": task["status"], "operation": task["operation"], "operationName": task["operationName"],
        "operationKey": task["operationKey"], "serviceNamespace": task["serviceNamespace"],
        "startTime": task["startTime"], "endTime": task["endTime"], "expiryTime": task["expiryTime"],
        "cancelRequested": task["cancelRequested"], "description": None,
        "link": [{"rel": "task:cancel", "href": "%s/api/task/%s/action/cancel" % (base, task["uuid"])}]
        if task["status"] in ("queued", "running") else [],
        "owner": owner, "error": task["error"], "user": task["user"],
        "organization": task["organization"], "progress": task["progress"],
        "details": task["details"], "vcTaskList": None, "result": task["result"],
    }


def task_xml(task, base):
    j = task_json(task, base)

    def attrs(d, keys):
        return "".join(" %s=%s" % (k, quoteattr(str(d[k]).lower() if isinstance(d[k], bool) else str(d[k])))
                       for k in keys if d.get(k) is not None)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<Task xmlns="http://www.vmware.com/vcloud/v1.5"%s>' % attrs(j, (
               "cancelRequested", "expiryTime", "operation", "operationName", "serviceNamespace",
               "startTime", "endTime", "status", "name", "id", "href")).replace(
               ' name=', ' type="application/vnd.vmware.vcloud.task+xml" name=', 1)]
    for l in j["link"]:
        out.append('    <Link rel=%s href=%s/>' % (quoteattr(l["rel"]), quoteattr(l["href"])))
    if j["owner"]:
        out.append("    <Owner%s/>" % attrs(j["owner"], ("href", "id", "name", "type")))
    if j["error"]:
        e = j["error"]
        out.append("    <Error%s/>" % attrs({"majorErrorCode": e.get("majorErrorCode"), "minorErrorCode": e.get("minorErrorCode"),
                                              "message": e.get("message")}, ("majorErrorCode", "minorErrorCode", "message")))
    if j["user"]:
        out.append("    <User%s/>" % attrs(j["user"], ("id", "name", "type")))
    if j["organization"]:
        out.append("    <Organization%s/>" % attrs(j["organization"], ("id", "name", "type")))
    out.append("    <Progress>%d</Progress>" % (j["progress"] or 0))
    out.append("    <Details>%s</Details>" % escape(j["details"] or ""))
    if j["result"]:
        out.append("    <Result><ResultContent>%s</ResultContent></Result>" % escape(str(j["result"].get("resultContent"))))
    out.append("</Task>")
    return "\n".join(out) + "\n"
