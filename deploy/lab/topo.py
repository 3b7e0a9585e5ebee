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
  static NAME PREFIX IFACE GW     a static route (config/static/NAME/...): the gateway is
                                  the route's "via", else the peer's address on IFACE
  bgp NAME kvte|plain             ExaBGP on NAME: with kvte-bgp as its process (a router
                                  of an IS-IS domain), or a plain speaker announcing
                                  nodes.NAME.bgp.announce (an external router)
  originate NAME PREFIX LOOPBACK ASN   a prefix NAME injects into the domain's BGP table
                                  (bgp_originate; kvte-bgp --no-exabgp where NAME has
                                  no ExaBGP)

Speaker configs: a node runs IS-IS when its domain has "isis"; its IS-IS interfaces are
its links to nodes of the same domain. The IGP metric of a link is its te_metric (the
seed notebook's LSDB dumps show the TE metric as the IS-IS metric), else 10; TE
attributes: te_metric, bandwidth_mbps (max and reservable), latency_ms (delay),
admin_groups and srlgs when the link gives them. Hellos every second (x3) so a lab
reacts quickly. Errors name the field: "seed.json: links[3].a: unknown node r9".

Importable (deploy/compose/gen.py): load(), links(), speaker_config(), plan(); errors
are raised as TopoError.
"""
import json
import os
import sys


class TopoError(Exception):
    """A bad topology file; the message names the field ("seed.json: links[3].a: ...")."""


def fail(msg):
    raise TopoError(msg)


def load(path):
    """Read a topology file: (topology dict, file name for messages)."""
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
    return topo, src


def links(topo, src):
    """The links as [((a, ifa), (b, ifb), link object)], ends checked."""
    nodes = topo["nodes"]
    out = []
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
        out.append((ends[0], ends[1], l))
    return out


def speaker_config(topo, src, name, ifaces):
    """kvte-speaker's configuration for node NAME (docs/speaker.md), or None when its
    domain does not run IS-IS. IFACES: [(ifname, peer, link object)] of the node."""
    nodes = topo["nodes"]
    n = nodes[name]
    dom = topo.get("domains", {}).get(n.get("domain", ""), {})
    isis = dom.get("isis")
    if not isis:
        return None
    rid = n.get("loopback", "").split("/")[0]
    if not rid:
        fail(f"{src}: nodes.{name}.loopback: an IS-IS router needs an IPv4 loopback")
    cfg = {"hostname": name, "router_id": rid, "area": isis.get("area", "49.0001"),
           "level": isis.get("level", 2), "hello_interval": 1, "hello_multiplier": 3}
    if "locator" in n:
        cfg["srv6"] = {"locator": n["locator"]}
    cfg["loopbacks"] = [n[k] for k in ("loopback", "loopback6") if k in n]
    cfg["interfaces"] = []
    for ifn, peer, l in ifaces:
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
    return cfg


def plan(topo, src):
    """The lab's plan lines and the speaker configurations: (plan, {node: config})."""
    nodes = topo["nodes"]
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
    for end_a, end_b, l in links(topo, src):
        (a, ia), (b, ib) = end_a, end_b
        plan.append(f"link {a} {ia} {b} {ib}")
        for (node, ifn), key in ((end_a, "a_addr"), (end_b, "b_addr")):
            if key in l:
                plan.append(f"addr {node} {ifn} {l[key]}")
        for (node, ifn), (peer, _) in ((end_a, end_b), (end_b, end_a)):
            ifaces[node].append((ifn, peer, l))
    speakers = {}
    for name in nodes:
        cfg = speaker_config(topo, src, name, ifaces[name])
        if cfg is not None:
            speakers[name] = cfg
            plan.append(f"speaker {name}")
    for name in nodes:
        plan.append(f"agent {name}")
    addr_of = {}
    for end_a, end_b, l in links(topo, src):
        for end, key, peer_key in ((end_a, "a_addr", "b_addr"), (end_b, "b_addr", "a_addr")):
            if peer_key in l:
                addr_of[end] = l[peer_key].split("/")[0]
    for name, n in nodes.items():
        for i, r in enumerate(n.get("static_routes", [])):
            where = f"{src}: nodes.{name}.static_routes[{i}]"
            if "prefix" not in r or "interface" not in r:
                fail(f"{where}: needs a prefix and an interface")
            gw = r.get("via") or addr_of.get((name, r["interface"]))
            if not gw:
                fail(f"{where}: no \"via\" and no link with an address on {r['interface']}")
            plan.append(f"static {name} {r['prefix']} {r['interface']} {gw}")
    domains = topo.get("domains", {})
    for name, n in nodes.items():
        if n.get("bgp", {}).get("peers"):
            plan.append(f"bgp {name} {'kvte' if name in speakers else 'plain'}")
    for i, o in enumerate(topo.get("bgp_originate", [])):
        node, prefix = o.get("node"), o.get("prefix")
        if node not in nodes or not prefix:
            fail(f"{src}: bgp_originate[{i}]: needs a known node and a prefix")
        lo = nodes[node].get("loopback", "").split("/")[0]
        asn = domains.get(nodes[node].get("domain", ""), {}).get("asn")
        if not lo or not asn:
            fail(f"{src}: bgp_originate[{i}]: {node} needs a loopback and a domain ASN")
        plan.append(f"originate {node} {prefix} {lo} {asn}")
    return plan, speakers


def write_json(path, value, **kw):
    with open(path, "w") as f:
        json.dump(value, f, **kw)
        f.write("\n")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        return 2
    path, out = argv[1], argv[2]
    try:
        topo, src = load(path)
        lines, speakers = plan(topo, src)
    except TopoError as e:
        print(f"topo: {e}", file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    for name, cfg in speakers.items():
        write_json(os.path.join(out, f"{name}.speaker.json"), cfg, indent=2)
    write_json(os.path.join(out, "admin-groups.json"), {"groups": topo.get("admin_groups", {})})
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
