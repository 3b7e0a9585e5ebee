#!/usr/bin/python3
# Writes the TED test fixtures for the seed topology (../shared/topologies/seed.json):
# one ted/lsp/<lsp-id> value per IS-IS fragment of r1..r5 (schemas/ted-lsp) and one
# speakers/<node> value per router (schemas/speaker), as tests/unit/test_ted.c and
# tests/unit/test_cspf_seed.c read them. Additions to the seed for the tests: admin
# group red (bit 0) on r1-r2 and blue (bit 1) on r3-r4, SRLG 101 on r1-r2 and SRLG 200
# on r2-r4 and r3-r5; r3's links toward r5 and r4 are in its fragment 01.
# Usage: te-controller/testdata/seed/gen.py SEED_JSON OUT_DIR
import json, sys

seed = json.load(open(sys.argv[1]))
out = sys.argv[2]
routers = [n for n in seed["nodes"] if seed["nodes"][n]["domain"] == "AS2"]
num = {n: int(n[1:]) for n in routers}
sysid = lambda n: "1921.6805.%04d" % num[n]
groups = {("r1", "r2"): 1, ("r3", "r4"): 2}
srlgs = {("r1", "r2"): [101], ("r2", "r4"): [200], ("r3", "r5"): [200]}
reach = {n: [] for n in routers}
adj = {n: [] for n in routers}
for l in seed["links"]:
    a, aif = l["a"].split(":"); b, bif = l["b"].split(":")
    if a not in num or b not in num:
        continue
    aa = l["a_addr"].split("/")[0]; ba = l["b_addr"].split("/")[0]
    key = tuple(sorted((a, b), key=lambda x: num[x]))
    for (x, xif, xa, y, ya) in ((a, aif, aa, b, ba), (b, bif, ba, a, aa)):
        e = {"neighbor": sysid(y) + ".00", "metric": 10,
             "admin_group": groups.get(key, 0),
             "local_address": xa, "remote_address": ya,
             "max_bandwidth": l["bandwidth_mbps"] * 1e6,
             "max_reservable_bandwidth": l["bandwidth_mbps"] * 1e6,
             "unreserved_bandwidth": [l["bandwidth_mbps"] * 1e6] * 8,
             "te_metric": l["te_metric"], "delay_us": l["latency_ms"] * 1000}
        if key in srlgs:
            e["srlgs"] = srlgs[key]
        e["end_x_sids"] = [{"sid": "fc00:0:%d:e00%s::" % (num[x], xif[2:]), "behavior": "End.X"}]
        reach[x].append((xif, e))
        adj[x].append({"interface": xif, "state": "up", "neighbor": y,
                       "neighbor_system_id": sysid(y), "local_address": xa,
                       "neighbor_address": ya, "up_since": "2026-11-22T07:30:04.500Z"})
for n in routers:
    N = num[n]
    base = {"level": 2, "seq": 1, "checksum": "0x%04x" % (0x1000 + N),
            "remaining_lifetime": 1200,
            "flags": {"att": False, "partition": False, "overload": False}}
    ents = [e for _, e in sorted(reach[n])]
    f0 = dict(base, lsp_id=sysid(n) + ".00-00", hostname=n, area_addresses=["49.0002"],
              te_router_id="192.168.50.%d" % N, te_router_id6="fc00:0:%d::1" % N,
              is_reach=ents,
              ip_reach=[{"prefix": "192.168.50.%d/32" % N, "metric": 0, "node": True}],
              srv6_locators=[{"locator": "fc00:0:%d::/48" % N, "metric": 0, "algorithm": 0,
                              "end_sids": [{"sid": "fc00:0:%d:e000::" % N, "behavior": "End"},
                                           {"sid": "fc00:0:%d:d6::" % N, "behavior": "End.DT6"},
                                           {"sid": "fc00:0:%d:d4::" % N, "behavior": "End.DX4"}]}])
    frags = [f0]
    if n == "r3":  # split: et3/et4 in fragment 01
        f0["is_reach"] = [e for i, e in sorted(reach[n]) if i in ("et1", "et2")]
        frags.append(dict(base, lsp_id=sysid(n) + ".00-01",
                          is_reach=[e for i, e in sorted(reach[n]) if i in ("et3", "et4")]))
    for f in frags:
        with open("%s/ted-lsp-%s.json" % (out, f["lsp_id"]), "w") as fh:
            json.dump(f, fh, indent=1)
            fh.write("\n")
    sp = {"node": n, "system_id": sysid(n), "started": "2026-11-22T07:30:00.123Z",
          "adjacencies": sorted(adj[n], key=lambda a: a["interface"])}
    with open("%s/speaker-%s.json" % (out, n), "w") as fh:
        json.dump(sp, fh, indent=1)
        fh.write("\n")
