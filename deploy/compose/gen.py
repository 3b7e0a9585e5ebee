#!/usr/bin/python3
"""gen — turn a lab topology file (docs/lab.md; deploy/lab/topologies/seed.json) into a
docker-compose project: OUTDIR/docker-compose.yml, OUTDIR/admin-groups.json, a copy of
the topology as OUTDIR/topology.json (for ExaBGP's configuration), and per
router OUTDIR/<node>/netns.plan (+ speaker.json for an IS-IS router). docs/deploy.md.

Usage: /usr/bin/python3 deploy/compose/gen.py [--link-pool CIDR] [--context DIR] TOPOLOGY.json OUTDIR

The topology is read by deploy/lab/topo.py (the same parser, checks and speaker
configurations as the lab). Services:
  etcd                one member (Dockerfile target etcd), data in the volume etcd-data
  controller          kvte-controller, no capability, user kvte
  <node>              the router's network-namespace holder (kvte-netns-holder,
                      CAP_NET_ADMIN): renames the link interfaces to the topology's
                      names, adds loopbacks and stubs, sets forwarding/seg6 sysctls
  <node>-speaker      kvte-speaker (IS-IS routers), CAP_NET_RAW only
  <node>-agent        kvte-agent (every router), CAP_NET_ADMIN only
  <node>-bgp          ExaBGP (nodes with "bgp"), configured at start by kvte-bgp
                      gen-config from OUTDIR/topology.json: kvte-bgp as its process on
                      a domain border node, a plain speaker on an external router
The daemons of a router join its holder's namespace (network_mode: service:<node>).
Networks: "mgmt" (etcd, controller, every holder) and one per link, all internal. By
default a link's network is exactly its /31 (internal, bridge without an IPv4 address:
Docker Engine 28.0 or later); --link-pool CIDR gives each link the next /29 of CIDR for
Docker instead (any engine) and the holder swaps in the topology's addresses.
"""
import ipaddress
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "deploy", "lab"))
import topo as labtopo  # noqa: E402  (deploy/lab/topo.py)

ETCD_URL = "http://etcd:2379"
HARDEN = {"security_opt": ["no-new-privileges:true"], "read_only": True}


class GenError(Exception):
    pass


# ---- a small YAML writer (block mappings, flow lists of scalars, JSON-quoted strings) ----

_PLAIN = re.compile(r"^[A-Za-z_/.][A-Za-z0-9_./-]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(v):
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _RESERVED:
        return s
    return json.dumps(s)


def emit(value, indent, out):
    pad = " " * indent
    for k, v in value.items():
        key = scalar(k)
        if isinstance(v, dict):
            if not v:
                out.append(f"{pad}{key}: {{}}")
            else:
                out.append(f"{pad}{key}:")
                emit(v, indent + 2, out)
        elif isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                out.append(f"{pad}{key}: [{', '.join(scalar(x) for x in v)}]")
            else:
                out.append(f"{pad}{key}:")
                for x in v:
                    lines = []
                    emit(x, indent + 4, lines)
                    out.append(f"{pad}  - {lines[0].lstrip()}")
                    out.extend(lines[1:])
        else:
            out.append(f"{pad}{key}: {scalar(v)}")


# ---- the project ------------------------------------------------------------------------

def version():
    with open(os.path.join(REPO, "CMakeLists.txt")) as f:
        m = re.search(r"project\(kvte VERSION ([0-9.]+)", f.read())
    return m.group(1) if m else "0"


def link_networks(topo, src, pool):
    """[(network name, subnet, (node, ifname, docker ip, topology prefix) x2, comment)]."""
    nets = []
    subnets = []
    blocks = None
    if pool:
        try:
            blocks = ipaddress.ip_network(pool).subnets(new_prefix=29)
        except ValueError as e:
            raise GenError(f"--link-pool {pool}: {e}")
    all_links = labtopo.links(topo, src)
    for i, (end_a, end_b, l) in enumerate(all_links):
        name = f"l{i}-{end_a[0]}-{end_b[0]}"
        prefixes = [l.get("a_addr"), l.get("b_addr")]
        if blocks is not None:
            try:
                block = next(blocks)
            except StopIteration:
                raise GenError(f"--link-pool {pool}: too small for {len(all_links)} links (a /29 each)")
            hosts = list(block.hosts())  # Docker takes the first for the bridge (gateway)
            subnet, ips = block, [str(hosts[1]), str(hosts[2])]
        else:
            if not all(prefixes):
                raise GenError(f"{src}: links[{i}]: a compose link network needs a_addr and "
                               "b_addr (or use --link-pool)")
            ifs = []
            for side, p in zip("ab", prefixes):
                try:
                    ifs.append(ipaddress.ip_interface(p))
                except ValueError as e:
                    raise GenError(f"{src}: links[{i}].{side}_addr: {e}")
            if ifs[0].version != 4 or ifs[0].network != ifs[1].network or ifs[0].network.prefixlen > 31:
                raise GenError(f"{src}: links[{i}]: a_addr and b_addr must be IPv4 in one subnet "
                               "of /31 or shorter (or use --link-pool)")
            subnet, ips = ifs[0].network, [str(x.ip) for x in ifs]
        for other, oname in subnets:
            if subnet.overlaps(other):
                raise GenError(f"{src}: links[{i}]: subnet {subnet} overlaps {oname} ({other}); "
                               "Docker refuses overlapping networks (use --link-pool)")
        subnets.append((subnet, name))
        ends = [(end_a[0], end_a[1], ips[0], prefixes[0]), (end_b[0], end_b[1], ips[1], prefixes[1])]
        nets.append((name, subnet, ends, f"{end_a[0]}:{end_a[1]} -- {end_b[0]}:{end_b[1]}"))
    return nets


def generate(topo_path, outdir, pool=None, context=None):
    """{relative path: file content} for OUTDIR."""
    topo, src = labtopo.load(topo_path)
    plan, speakers = labtopo.plan(topo, src)
    nodes = topo["nodes"]
    nets = link_networks(topo, src, pool)
    ver = version()
    if context is None:
        context = os.path.relpath(REPO, os.path.abspath(outdir))
    rel_topo = os.path.relpath(os.path.abspath(topo_path), REPO)
    if rel_topo.startswith(".."):
        rel_topo = os.path.basename(topo_path)

    def build(target):
        return {"context": context, "dockerfile": "deploy/compose/Dockerfile", "target": target}

    img = f"kvte:{ver}"
    files = {}
    services = {}
    comments = {}

    services["etcd"] = {
        "build": build("etcd"), "image": f"kvte-etcd:{ver}",
        "networks": ["mgmt"], "volumes": ["etcd-data:/var/lib/etcd"],
        "cap_drop": ["ALL"], "security_opt": HARDEN["security_opt"], "restart": "on-failure"}
    comments["etcd"] = "the bus: one etcd member (healthcheck in the Dockerfile); docs/deploy.md for 3"
    services["controller"] = {
        "build": build("runtime"), "image": img,
        "command": ["kvte-controller", "--etcd", ETCD_URL],
        "depends_on": {"etcd": {"condition": "service_healthy"}},
        "networks": ["mgmt"], "cap_drop": ["ALL"], **HARDEN, "restart": "on-failure"}
    comments["controller"] = "leader-elected CSPF: user kvte, no capability (scale it for a standby)"

    node_nets = {n: [] for n in nodes}
    for name, subnet, ends, _ in nets:
        for node, ifn, ip, prefix in ends:
            node_nets[node].append((name, ifn, ip, prefix))

    for node in nodes:
        border = "bgp" in nodes[node]
        # the holder's plan: renames, then the lab's own steps for this node
        steps = [f"# {node}'s network namespace: run by kvte-netns-holder (generated by "
                 f"deploy/compose/gen.py from {rel_topo})"]
        for name, ifn, ip, prefix in node_nets[node]:
            steps.append(f"iface {ip} {ifn}  # network {name}")
        flushed = set()
        for line in plan:
            f = line.split()
            if f[0] == "stub" and f[1] == node:
                steps.append(f"stub {f[2]}")
            elif f[0] == "addr" and f[1] == node:
                if pool and f[2] != "lo" and f[2] in {x[1] for x in node_nets[node]} \
                        and f[2] not in flushed:
                    steps.append(f"flush {f[2]}")
                    flushed.add(f[2])
                steps.append(f"addr {f[2]} {f[3]}")
        if pool:
            for name, ifn, ip, prefix in node_nets[node]:
                if ifn not in flushed:
                    steps.append(f"flush {ifn}")
        files[f"{node}/netns.plan"] = "\n".join(steps) + "\n"
        if node in speakers:
            files[f"{node}/speaker.json"] = json.dumps(speakers[node], indent=2) + "\n"

        sysctls = {"net.ipv4.ip_forward": 1, "net.ipv6.conf.all.forwarding": 1,
                   "net.ipv6.conf.all.disable_ipv6": 0, "net.ipv6.conf.all.seg6_enabled": 1,
                   "net.ipv6.conf.default.seg6_enabled": 1}
        if border:
            sysctls["net.ipv4.ip_unprivileged_port_start"] = 0  # ExaBGP (user kvte) on 179
        networks = {"mgmt": {}}
        for name, ifn, ip, prefix in node_nets[node]:
            networks[name] = {"ipv4_address": ip}
        mount = [f"./{node}:/etc/kvte/node:ro"]
        services[node] = {
            "build": build("runtime"), "image": img,
            "command": ["kvte-netns-holder", "/etc/kvte/node/netns.plan"],
            "hostname": node, "user": "0:0", "cap_drop": ["ALL"], "cap_add": ["NET_ADMIN"],
            **HARDEN, "tmpfs": ["/run"], "sysctls": sysctls, "volumes": mount,
            "networks": networks,
            "healthcheck": {"test": ["CMD", "test", "-f", "/run/kvte/ready"],
                            "interval": "1s", "timeout": "1s", "retries": 30}}
        comments[node] = (f"router {node}: holds its network namespace (links renamed to the "
                          "topology's names, loopbacks, stubs, sysctls)")
        deps = {node: {"condition": "service_healthy"}, "etcd": {"condition": "service_healthy"}}
        if node in speakers:
            services[f"{node}-speaker"] = {
                "build": build("runtime"), "image": img,
                "command": ["kvte-speaker", "--config", "/etc/kvte/node/speaker.json",
                            "--admin-groups", "/etc/kvte/admin-groups.json", "--etcd", ETCD_URL],
                "network_mode": f"service:{node}", "depends_on": deps,
                "user": "0:0", "cap_drop": ["ALL"], "cap_add": ["NET_RAW"], **HARDEN,
                "volumes": mount + ["./admin-groups.json:/etc/kvte/admin-groups.json:ro"],
                "restart": "on-failure"}
            comments[f"{node}-speaker"] = f"IS-IS on {node}'s links: CAP_NET_RAW (AF_PACKET) only"
        services[f"{node}-agent"] = {
            "build": build("runtime"), "image": img,
            "command": ["kvte-agent", "--node", node, "--etcd", ETCD_URL],
            "network_mode": f"service:{node}", "depends_on": deps,
            "user": "0:0", "cap_drop": ["ALL"], "cap_add": ["NET_ADMIN"], **HARDEN,
            "restart": "on-failure"}
        comments[f"{node}-agent"] = f"{node}'s FIB: CAP_NET_ADMIN (netlink routes) only"
        if border:
            # ExaBGP's configuration is generated at start by `kvte-bgp gen-config`
            # (docs/bgp.md) from the topology, into the container's tmpfs: kvte-bgp as
            # ExaBGP's process on a domain border node, a plain speaker (--no-process)
            # on an external router
            kind = next((f[2] if len(f) > 2 else "" for f in (x.split() for x in plan)
                         if f[:2] == ["bgp", node]), "")
            gen = ["kvte-bgp", "gen-config", "--node", node,
                   "--topology", "/etc/kvte/topology.json"]
            gen += ["--etcd", ETCD_URL] if kind == "kvte" else ["--no-process"]
            gen.append("/tmp/kvte-bgp")
            start = (" ".join(gen) + " >/dev/null && exec exabgp --env "
                     "/tmp/kvte-bgp/exabgp.env /tmp/kvte-bgp/exabgp.conf")
            services[f"{node}-bgp"] = {
                "build": build("bgp"), "image": f"kvte-bgp:{ver}",
                "command": ["sh", "-c", start],
                "network_mode": f"service:{node}", "depends_on": deps,
                "cap_drop": ["ALL"], **HARDEN, "tmpfs": ["/run", "/tmp"],
                "volumes": mount + ["./topology.json:/etc/kvte/topology.json:ro"],
                "restart": "on-failure"}
            comments[f"{node}-bgp"] = (
                f"ExaBGP, configured at start by kvte-bgp gen-config; "
                + (f"its process is kvte-bgp --node {node} --etcd {ETCD_URL}"
                   if kind == "kvte" else "an external router: a plain BGP speaker"))

    networks = {"mgmt": {"internal": True}}
    net_comments = {"mgmt": "etcd, the controller and every router's holder"}
    for name, subnet, ends, what in nets:
        cfg = {"driver": "bridge", "internal": True}
        if not pool:
            cfg["driver_opts"] = {"com.docker.network.bridge.inhibit_ipv4": "true"}
        cfg["ipam"] = {"config": [{"subnet": str(subnet)}]}
        networks[name] = cfg
        net_comments[name] = what + (f" (topology {ends[0][3]}, {ends[1][3]})" if pool else "")

    head = [
        f"# Generated by deploy/compose/gen.py from {rel_topo}: do not edit, regenerate:",
        f"#   /usr/bin/python3 deploy/compose/gen.py{' --link-pool ' + pool if pool else ''} "
        f"{rel_topo} <this directory>",
        f"# Topology: {topo.get('name', rel_topo)}: {len(nodes)} routers, {len(nets)} links, "
        f"{len(speakers)} IS-IS speakers. Run: docker-compose up (docs/deploy.md).",
        "# Link networks: " + (f"a /29 per link from {pool} for Docker; the holders put the "
                               "topology's addresses on the renamed interfaces."
                               if pool else
                               "exactly the link's subnet, internal, no bridge address "
                               "(Docker Engine 28.0 or later)."),
    ]
    out = list(head) + ["", "services:"]
    for name, svc in services.items():
        out.append(f"  # {comments[name]}")
        emit({name: svc}, 2, out)
    out += ["", "networks:"]
    for name, cfg in networks.items():
        out.append(f"  # {net_comments[name]}")
        emit({name: cfg}, 2, out)
    out += ["", "volumes:", "  etcd-data: {}"]
    files["docker-compose.yml"] = "\n".join(out) + "\n"
    files["admin-groups.json"] = json.dumps({"groups": topo.get("admin_groups", {})}) + "\n"
    with open(topo_path) as f:
        files["topology.json"] = f.read()
    return files


def main(argv):
    args, pool, context = [], None, None
    it = iter(argv[1:])
    for a in it:
        if a in ("--link-pool", "--context"):
            v = next(it, None)
            if v is None:
                print(f"gen: {a} needs a value", file=sys.stderr)
                return 2
            if a == "--link-pool":
                pool = v
            else:
                context = v
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-"):
            print(f"gen: unknown option {a}\n{__doc__.strip().splitlines()[4]}", file=sys.stderr)
            return 2
        else:
            args.append(a)
    if len(args) != 2:
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        return 2
    topo_path, outdir = args
    try:
        files = generate(topo_path, outdir, pool, context)
    except (labtopo.TopoError, GenError) as e:
        print(f"gen: {e}", file=sys.stderr)
        return 1
    for rel, content in sorted(files.items()):
        path = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
    print(f"gen: wrote {len(files)} files to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
