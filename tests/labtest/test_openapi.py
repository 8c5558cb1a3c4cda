"""Paging envelope, nextPage links, size caps, FIQL and QueryParseException."""
import re

from helpers import make_org


def test_paging_follows_next_page(vcd):
    base = vcd.get("/cloudapi/1.0.0/orgs").json()["resultTotal"]   # System + any seeded tenants
    for i in range(23 + (10 - (base + 23) % 10) % 10):
        make_org(vcd, "pg%02d" % i)
    seen, url, pages = [], "/cloudapi/1.0.0/orgs?pageSize=10&sortAsc=name", 0
    while url:
        r = vcd.get(url)
        assert r.status_code == 200
        body = r.json()
        assert set(body) >= {"resultTotal", "pageCount", "page", "pageSize", "associations", "values"}
        total = body["resultTotal"]
        assert total % 10 == 0 and total >= 30 and body["pageCount"] == total // 10 and body["pageSize"] == 10
        seen += [o["name"] for o in body["values"]]
        pages += 1
        m = re.search(r'<([^>]+)>;rel="nextPage"', r.headers.get("Link", ""))
        url = m.group(1) if m else None
    assert pages == total // 10 and len(seen) == total and seen == sorted(seen)


def test_page_size_caps(vcd):
    assert vcd.get("/cloudapi/1.0.0/orgs?pageSize=128").status_code == 200
    assert vcd.get("/cloudapi/1.0.0/orgs?pageSize=129").status_code == 400
    assert vcd.get("/cloudapi/1.0.0/orgVdcNetworks?pageSize=32").status_code == 200
    assert vcd.get("/cloudapi/1.0.0/orgVdcNetworks?pageSize=33").status_code == 400
    assert vcd.get("/cloudapi/1.0.0/orgs").json()["pageSize"] == 25


def test_fiql_subset(vcd):
    for n in ("alpha", "alpine", "beta"):
        make_org(vcd, n)
    vcd.put("/cloudapi/1.0.0/orgs/" + vcd.get("/cloudapi/1.0.0/orgs?filter=name==beta").json()["values"][0]["id"],
            json={"name": "beta", "displayName": "Beta", "isEnabled": False})

    def names(f):
        r = vcd.get("/cloudapi/1.0.0/orgs", params={"filter": f})
        assert r.status_code == 200, r.text
        return sorted(o["name"] for o in r.json()["values"])
    assert names("name==alpha") == ["alpha"]
    assert names("name==alp*") == ["alpha", "alpine"]
    assert names("name==alpha,name==beta") == ["alpha", "beta"]
    assert names("name==alp*;name!=alpine") == ["alpha"]
    assert names("(name==alpha,name==beta);isEnabled==true") == ["alpha"]
    assert names("isEnabled==false") == ["beta"]
    assert names("name==nothing") == []


def test_fiql_dotted_path(vcd):
    tok = vcd.get("/cloudapi/1.0.0/tokens", params={"filter": "owner.name==administrator"})
    assert tok.status_code == 200


def test_query_parse_exception(vcd):
    for bad in ("name==a b", "name==a+b", "name==a*b", "name==a,b", "name=a", "name=="):
        r = vcd.get("/cloudapi/1.0.0/orgs", params={"filter": bad})
        assert r.status_code == 400, bad
        assert "QueryParseException" in r.json()["message"], bad
    make_org(vcd, "a,b")
    r = vcd.get("/cloudapi/1.0.0/orgs", params={"filter": "name==a%2Cb", "filterEncoded": "true"})
    assert r.status_code == 200 and [o["name"] for o in r.json()["values"]] == ["a,b"]
