#!/usr/bin/python3
"""gen — generate a lab topology file (the format of seed.json, docs/lab.md).

Usage: /usr/bin/python3 deploy/lab/topologies/gen.py grid ROWS COLS [--seed N]
                                 [--pool PREFIX] [-o FILE]

  grid ROWS COLS   a ROWS x COLS grid of routers in one IS-IS domain ("GRID", AS 65010,
                   area 49.0010, level 2, SRv6). 2 <= ROWS, COLS; ROWS <= 255, COLS <= 254.
  --seed N         seed of the deterministic choices below (default 7): the same
                   arguments always give the same file, byte for byte
  --pool PREFIX    IPv4 pool the link /31s are taken from, in link order (default
                   100.66.0.0/16; it must hold 2 addresses per link)
  -o FILE          write FILE instead of stdout

What the grid holds (the committed grid5x5.json is `gen.py grid 5 5 -o grid5x5.json`):

  nodes     rR_C for row R = 1..ROWS, column C = 1..COLS (r1_1 is the top-left corner,
            rROWS_COLS the bottom-right one); node number N = (R-1)*COLS + C.
            loopback 192.168.R.C/32 (also the router ID, so the system ID is
            1921.68RR.RCCC), loopback6 fc00:0:N::1/128, SRv6 locator fc00:0:N::/48
            (N in hex, as IPv6 is written).
  links     each router to its east and south neighbours; the interface names say the
            direction: et1 north, et2 east, et3 south, et4 west (so r1_1 has et2 and
            et3, an inner router all four). Listed row by row, east link before south
            link; the i-th link gets the i-th /31 of the pool, the west/north end the
            even address.
  TE        te_metric (also the IGP metric) drawn from 10..40 in steps of 10 with the
            seed, except the square r1_1 r1_2 r2_1 r2_2, whose four links are 10 (the
            minimum), so r1_1 reaches r2_2 over two equal-cost paths (ECMP is
            guaranteed there; the generator counts every ECMP pair and says how many
            in "comment"). Bandwidth 10G on the middle row's and middle column's links
            (the "core"), 1G elsewhere. latency_ms drawn from 1..9.
  groups    admin_groups {red: 0, blue: 1, gold: 2}: gold on the core links, blue on the
            perimeter links, red on each link with probability 1/8
            (drawn), unless that would cut a router off: a path excluding red always
            exists.
  SRLGs     three "ducts": pairs of parallel vertical links that share a fibre run
            (drawn), SRLG 1001, 1002, 1003.
  lsps      six requests with bandwidth: the two corner-to-corner LSPs (link
            protection), the other diagonal excluding red, one along the top row,
            one on the delay metric from the centre, and one link-diverse from the
            first corner-to-corner LSP. deploy/lab/lab does not put them;
            `kvtectl lsp add` or `etcdctl put` does (tests/netns/test_lab_large.sh).
"""
import argparse
import heapq
import ipaddress
import json
import random
import sys

NORTH, EAST, SOUTH, WEST = "et1", "et2", "et3", "et4"


def name(r, c):
    return f"r{r}_{c}"


def grid(rows, cols, seed, pool):
    rng = random.Random(seed)
    nodes = {}
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            n = (r - 1) * cols + c
            nodes[name(r, c)] = {
                "domain": "GRID",
                "loopback": f"192.168.{r}.{c}/32",
                "loopback6": f"fc00:0:{n:x}::1/128",
                "locator": f"fc00:0:{n:x}::/48",
            }
    net = ipaddress.ip_network(pool)
    nlinks = rows * (cols - 1) + (rows - 1) * cols
    if net.version != 4 or net.num_addresses < 2 * nlinks:
        raise ValueError(f"--pool {pool}: an IPv4 pool of at least {2 * nlinks} addresses is needed")
    mid_r, mid_c = (rows + 1) // 2, (cols + 1) // 2
    ecmp_square = {((1, 1), (1, 2)), ((1, 1), (2, 1)), ((1, 2), (2, 2)), ((2, 1), (2, 2))}
    links, ends = [], []
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            for (r2, c2, ia, ib) in ((r, c + 1, EAST, WEST), (r + 1, c, SOUTH, NORTH)):
                if r2 > rows or c2 > cols:
                    continue
                i = len(links)
                a_ip = net.network_address + 2 * i
                metric = 10 if ((r, c), (r2, c2)) in ecmp_square else rng.choice((10, 20, 30, 40))
                core = (r == r2 == mid_r) or (c == c2 == mid_c)
                perimeter = (r == r2 and r in (1, rows)) or (c == c2 and c in (1, cols))
                groups = []
                if core:
                    groups.append("gold")
                if perimeter:
                    groups.append("blue")
                if rng.random() < 0.125:
                    groups.append("red")  # kept below only if the grid stays connected
                link = {"a": f"{name(r, c)}:{ia}", "b": f"{name(r2, c2)}:{ib}",
                        "a_addr": f"{a_ip}/31", "b_addr": f"{a_ip + 1}/31",
                        "latency_ms": rng.randint(1, 9), "te_metric": metric,
                        "bandwidth_mbps": 10000 if core else 1000}
                if groups:
                    link["admin_groups"] = sorted(groups, key=("red", "blue", "gold").index)
                links.append(link)
                ends.append(((r, c), (r2, c2)))
    # red must not cut the grid: an LSP excluding red always has a path
    for i, l in enumerate(links):
        if "red" in l.get("admin_groups", []):
            l["admin_groups"].remove("red")
            others = [e for j, e in enumerate(ends) if j != i and "red" not in links[j].get("admin_groups", [])]
            if connected(nodes, others):
                l["admin_groups"].append("red")
            l["admin_groups"].sort(key=("red", "blue", "gold").index)
            if not l["admin_groups"]:
                del l["admin_groups"]
    # three ducts: two parallel vertical links (r,c)-(r+1,c) and (r,c+1)-(r+1,c+1)
    vertical = {e: i for i, e in enumerate(ends) if e[0][1] == e[1][1]}
    starts = sorted({(r, c) for (r, c), _ in vertical if c < cols})
    for k, (r, c) in enumerate(rng.sample(starts, min(3, len(starts)))):
        for cc in (c, c + 1):
            links[vertical[((r, cc), (r + 1, cc))]].setdefault("srlgs", []).append(1001 + k)
    for l in links:
        if "srlgs" in l:
            l["srlgs"].sort()

    R, C = rows, cols
    corner_a, corner_b = name(1, 1), name(R, C)
    lsps = [
        {"name": f"{corner_a}-to-{corner_b}", "from": corner_a, "to": corner_b,
         "bandwidth": "300M", "setup_priority": 4, "hold_priority": 4, "protection": "link"},
        {"name": f"{corner_b}-to-{corner_a}", "from": corner_b, "to": corner_a,
         "bandwidth": "300M", "setup_priority": 4, "hold_priority": 4, "protection": "link"},
        {"name": f"{name(1, C)}-to-{name(R, 1)}", "from": name(1, C), "to": name(R, 1),
         "bandwidth": "200M", "exclude": ["red"]},
        {"name": f"{corner_a}-to-{name(1, C)}", "from": corner_a, "to": name(1, C),
         "bandwidth": "500M"},
        {"name": f"{name(mid_r, mid_c)}-to-{corner_b}", "from": name(mid_r, mid_c), "to": corner_b,
         "bandwidth": "100M", "metric": "delay"},
        {"name": f"{corner_a}-to-{corner_b}-b", "from": corner_a, "to": corner_b,
         "bandwidth": "100M", "diverse_from": f"{corner_a}-to-{corner_b}", "diversity": "link"},
    ]
    ecmp = ecmp_pairs(nodes, links)
    topo = {
        "name": f"Generated grid {rows}x{cols}",
        "comment": (f"gen.py grid {rows} {cols} --seed {seed} --pool {pool}; do not edit, "
                    f"regenerate. {len(nodes)} routers, {len(links)} links; "
                    f"{ecmp} ordered router pairs have equal-cost multipath "
                    f"({corner_a} to {name(2, 2)} at least)."),
        "domains": {"GRID": {"asn": 65010, "isis": {"area": "49.0010", "level": 2},
                             "dataplane": "srv6"}},
        "admin_groups": {"red": 0, "blue": 1, "gold": 2},
        "nodes": nodes,
        "links": links,
        "lsps": lsps,
    }
    return topo


def connected(nodes, ends):
    """Whether the links ENDS [((r, c), (r2, c2))] connect every node."""
    adj = {}
    for a, b in ends:
        adj.setdefault(name(*a), []).append(name(*b))
        adj.setdefault(name(*b), []).append(name(*a))
    seen, todo = set(), [next(iter(nodes))]
    while todo:
        u = todo.pop()
        if u not in seen:
            seen.add(u)
            todo.extend(adj.get(u, []))
    return len(seen) == len(nodes)


def ecmp_pairs(nodes, links):
    """Ordered (src, dst) pairs whose shortest paths leave src over 2+ first hops."""
    adj = {n: [] for n in nodes}
    for l in links:
        a, b = l["a"].split(":")[0], l["b"].split(":")[0]
        adj[a].append((b, l["te_metric"]))
        adj[b].append((a, l["te_metric"]))
    count = 0
    for src in nodes:
        dist, first = {src: 0}, {src: set()}
        heap = [(0, src)]
        done = set()
        while heap:
            d, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            for v, m in adj[u]:
                nd = d + m
                hops = {v} if u == src else first[u]
                if v not in dist or nd < dist[v]:
                    dist[v], first[v] = nd, set(hops)
                    heapq.heappush(heap, (nd, v))
                elif nd == dist[v]:
                    first[v] |= hops
        count += sum(1 for v in nodes if v != src and len(first[v]) > 1)
    return count


def dump(topo):
    """JSON as seed.json lays it out: one line per domain, node, link and LSP."""
    one = lambda v: json.dumps(v, separators=(", ", ": "))
    out = ["{"]
    keys = list(topo)
    for i, k in enumerate(keys):
        v, sep = topo[k], "," if i < len(keys) - 1 else ""
        if isinstance(v, dict) and k in ("domains", "nodes"):
            items = [f"    {json.dumps(n)}: {one(x)}" for n, x in v.items()]
            out.append(f"  {json.dumps(k)}: {{\n" + ",\n".join(items) + f"\n  }}{sep}")
        elif isinstance(v, list):
            items = [f"    {one(x)}" for x in v]
            out.append(f"  {json.dumps(k)}: [\n" + ",\n".join(items) + f"\n  ]{sep}")
        else:
            out.append(f"  {json.dumps(k)}: {one(v)}{sep}")
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv):
    p = argparse.ArgumentParser(prog="gen.py", description="Generate a kvte lab topology (docs/lab.md).")
    sub = p.add_subparsers(dest="kind", required=True)
    g = sub.add_parser("grid", help="a ROWS x COLS grid of routers")
    g.add_argument("rows", type=int)
    g.add_argument("cols", type=int)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--pool", default="100.66.0.0/16")
    g.add_argument("-o", "--output")
    a = p.parse_args(argv[1:])
    if not (2 <= a.rows <= 255 and 2 <= a.cols <= 254):
        p.error("grid: need 2 <= ROWS <= 255 and 2 <= COLS <= 254")
    try:
        topo = grid(a.rows, a.cols, a.seed, a.pool)
    except ValueError as e:
        p.error(str(e))
    text = dump(topo)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
