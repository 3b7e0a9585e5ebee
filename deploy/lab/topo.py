#!/usr/bin/python3
"""topo — turn a lab topology file (format: shared/topologies/seed.json, docs/lab.md) into
what deploy/lab/lab needs: a line-oriented plan on stdout and one kvte-speaker
configuration per IS-IS router in OUTDIR.

Usage: /usr/bin/python3 deploy/lab/topo.py TOPOLOGY.json OUTDIR

Plan lines (space-separated, read by the lab's bash):
  node NAME                       a network namespace for NAME
  addr NAME IFACE PREFIX          an address (IFACE "lo" for loopbacks, stubs too)
  stub NAME IFACE                 a stub interface (a dummy link) to create
  link A IFA B IFB                a veth between two nodes
  speaker NAME                    run kvte-speaker for NAME (OUTDIR/NAME.speaker.json)
  agent NAME                      run kvte-agent for NAME (every router: IGP, TE, static
                                  and BGP routes all reach the kernel through it)

Speaker configs: a node runs IS-IS when its domain has "isis"; its IS-IS interfaces are
its links to nodes of the same domain. The IGP metric of a link is its te_metric (the
seed notebook's LSDB dumps show the TE metric as the IS-IS metric), else 10; TE
attributes: te_metric, bandwidth_mbps (max and reservable), latency_ms (delay),
admin_groups and srlgs when the link gives them. Hellos every second (x3) so a lab
reacts quickly. Errors name the field: "seed.json: links[3].a: unknown node r9".
"""
import json
import os
import sys


def fail(msg):
    print(f"topo: {msg}", file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        return 2
    path, out = argv[1], argv[2]
    src = os.path.basename(path)
    try:
        with open(path) as f:
            topo = json.load(f)
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    except json.JSONDecodeError as e:
        fail(f"{src}:{e.lineno}:{e.colno}: {e.msg}")
    nodes = topo.get("nodes")
    if not isinstance(nodes, dict) or not nodes:
        fail(f"{src}: nodes: expected an object of routers")
    domains = topo.get("domains", {})
    plan = []
    ifaces = {n: [] for n in nodes}
    for name, n in nodes.items():
        plan.append(f"node {name}")
        for key in ("loopback", "loopback6"):
            if key in n:
                plan.append(f"addr {name} lo {n[key]}")
        for i, s in enumerate(n.get("stub_interfaces", [])):
            if "name" not in s:
                fail(f"{src}: nodes.{name}.stub_interfaces[{i}]: needs a name")
            plan.append(f"stub {name} {s['name']}")
            if "address" in s:
                plan.append(f"addr {name} {s['name']} {s['address']}")
    for i, l in enumerate(topo.get("links", [])):
        ends = []
        for side in ("a", "b"):
            v = l.get(side, "")
            if ":" not in v:
                fail(f"{src}: links[{i}].{side}: expected \"node:interface\", got {v!r}")
            node, ifn = v.split(":", 1)
            if node not in nodes:
                fail(f"{src}: links[{i}].{side}: unknown node {node}")
            ends.append((node, ifn))
        (a, ia), (b, ib) = ends
        plan.append(f"link {a} {ia} {b} {ib}")
        for (node, ifn), key in ((ends[0], "a_addr"), (ends[1], "b_addr")):
            if key in l:
                plan.append(f"addr {node} {ifn} {l[key]}")
        for (node, ifn), (peer, _) in ((ends[0], ends[1]), (ends[1], ends[0])):
            ifaces[node].append((ifn, peer, l))
    os.makedirs(out, exist_ok=True)
    for name, n in nodes.items():
        dom = domains.get(n.get("domain", ""), {})
        isis = dom.get("isis")
        if not isis:
            continue
        rid = n.get("loopback", "").split("/")[0]
        if not rid:
            fail(f"{src}: nodes.{name}.loopback: an IS-IS router needs an IPv4 loopback")
        cfg = {"hostname": name, "router_id": rid, "area": isis.get("area", "49.0001"),
               "level": isis.get("level", 2), "hello_interval": 1, "hello_multiplier": 3}
        if "locator" in n:
            cfg["srv6"] = {"locator": n["locator"]}
        cfg["loopbacks"] = [n[k] for k in ("loopback", "loopback6") if k in n]
        cfg["interfaces"] = []
        for ifn, peer, l in ifaces[name]:
            if nodes[peer].get("domain") != n.get("domain"):
                continue  # external links are BGP's, not IS-IS's
            te = {}
            if "te_metric" in l:
                te["te_metric"] = l["te_metric"]
            if "bandwidth_mbps" in l:
                te["max_bandwidth"] = f"{l['bandwidth_mbps']}M"
                te["reservable_bandwidth"] = f"{l['bandwidth_mbps']}M"
            if "latency_ms" in l:
                te["delay_us"] = int(l["latency_ms"] * 1000)
            for k in ("admin_groups", "srlgs"):
                if k in l:
                    te[k] = l[k]
            ifc = {"name": ifn, "comment": f"to {peer}", "metric": l.get("te_metric", 10)}
            if te:
                ifc["te"] = te
            cfg["interfaces"].append(ifc)
        with open(os.path.join(out, f"{name}.speaker.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
        plan.append(f"speaker {name}")
    for name in nodes:
        plan.append(f"agent {name}")
    groups = topo.get("admin_groups", {})
    with open(os.path.join(out, "admin-groups.json"), "w") as f:
        json.dump({"groups": groups}, f)
        f.write("\n")
    print("\n".join(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
