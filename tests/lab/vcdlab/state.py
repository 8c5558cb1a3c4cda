"""Per-AZ object store.  Objects are plain dicts keyed by kind and uuid; `id` holds the URN."""
import copy
import threading

from .framework import uuid_of


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.kinds = {}
        self.generation = 0

    def clear(self):
        with self.lock:
            self.kinds = {}
            self.generation += 1

    def put(self, kind, obj):
        with self.lock:
            self.kinds.setdefault(kind, {})[uuid_of(obj["id"])] = obj
        return obj

    def get(self, kind, ident):
        if not ident:
            return None
        with self.lock:
            return self.kinds.get(kind, {}).get(uuid_of(ident))

    def delete(self, kind, ident):
        with self.lock:
            return self.kinds.get(kind, {}).pop(uuid_of(ident), None)

    def all(self, kind):
        with self.lock:
            return list(self.kinds.get(kind, {}).values())

    def find(self, kind, **match):
        return [o for o in self.all(kind) if all(o.get(k) == v for k, v in match.items())]

    def find_one(self, kind, **match):
        r = self.find(kind, **match)
        return r[0] if r else None

    def snapshot(self):
        with self.lock:
            return {k: copy.deepcopy(list(v.values())) for k, v in sorted(self.kinds.items())}
