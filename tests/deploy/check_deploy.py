#!/usr/bin/python3
"""check_deploy — structural checks of deploy/compose and deploy/systemd, for
tests/deploy/test_deploy.sh. Prints "ok - ..." / "FAIL - ..." lines; exit 1 on a failure.

  check_deploy.py dockerfile deploy/compose/Dockerfile
  check_deploy.py compose deploy/compose/seed/docker-compose.yml TOPOLOGY.json
  check_deploy.py units deploy/systemd

The Dockerfile check is a structural lint written for kvte (no Dockerfile linter is
packaged in Debian 12): every FROM is debian:12 or an earlier stage, the first is
debian:12; no "latest" and no untagged image; every apt-get install has -y and
--no-install-recommends and its RUN removes /var/lib/apt/lists; no apt-get upgrade; no
ADD; COPY --from names an earlier stage; the runtime and bgp stages end as a non-root
USER, the etcd stage has a HEALTHCHECK and a non-root USER.
"""
import json
import os
import re
import sys

FAILS = 0


def ok(msg):
    print(f"ok - {msg}")


def fail(msg):
    global FAILS
    FAILS += 1
    print(f"FAIL - {msg}")


def check(cond, msg, why=""):
    if cond:
        ok(msg)
    else:
        fail(msg + (f": {why}" if why else ""))


# ---- Dockerfile -------------------------------------------------------------------------

def dockerfile_instructions(path):
    """[(line number, INSTRUCTION, arguments)] with continuations joined, comments out."""
    out, buf, start = [], "", 0
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not buf and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if buf and line.lstrip().startswith("#"):
                continue
            if not buf:
                start = n
            if line.endswith("\\"):
                buf += line[:-1] + " "
                continue
            buf += line
            word, _, rest = buf.strip().partition(" ")
            out.append((start, word.upper(), rest.strip()))
            buf = ""
    return out


def check_dockerfile(path):
    ins = dockerfile_instructions(path)
    name = os.path.basename(path)
    froms = [(n, a) for n, w, a in ins if w == "FROM"]
    check(ins and ins[0][1] == "FROM" and ins[0][2].split()[0] == "debian:12",
          f"{name}: the first instruction is FROM debian:12", ins[0] if ins else "empty")
    stages, cur, stage_of = [], None, {}
    problems = []
    for n, w, a in ins:
        if w == "FROM":
            parts = a.split()
            image = parts[0]
            alias = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            if image not in stages and image != "debian:12":
                problems.append(f"line {n}: FROM {image}: neither debian:12 nor an earlier stage")
            cur = alias or image
            stages.append(cur)
            stage_of[cur] = {"user": None, "healthcheck": False, "line": n}
        elif w == "USER":
            stage_of[cur]["user"] = a
        elif w == "HEALTHCHECK":
            stage_of[cur]["healthcheck"] = True
        elif w == "ADD":
            problems.append(f"line {n}: ADD (use COPY; nothing is fetched at build time)")
        elif w == "COPY":
            m = re.search(r"--from=(\S+)", a)
            if m and m.group(1) not in stages[:-1]:
                problems.append(f"line {n}: COPY --from={m.group(1)}: not an earlier stage")
        if w == "RUN":
            if re.search(r"apt-get\s+(dist-)?upgrade", a):
                problems.append(f"line {n}: apt-get upgrade")
            for m in re.finditer(r"apt-get\s+install([^&;]*)", a):
                args = m.group(1)
                if "--no-install-recommends" not in args:
                    problems.append(f"line {n}: apt-get install without --no-install-recommends")
                if not re.search(r"(^|\s)-y\b", args):
                    problems.append(f"line {n}: apt-get install without -y")
            if "apt-get install" in a or "apt-get update" in a:
                if "rm -rf /var/lib/apt/lists" not in a:
                    problems.append(f"line {n}: apt-get without rm -rf /var/lib/apt/lists/* in the same RUN")
                if "apt-get update" in a and "apt-get install" not in a:
                    problems.append(f"line {n}: apt-get update alone in a RUN (stale cache layer)")
        if re.search(r"(^|[\s=\"'])[\w./-]+:latest\b", a):
            problems.append(f"line {n}: a :latest tag")
    check(not problems, f"{name}: FROM, ADD/COPY and apt-get usage", "; ".join(problems))
    for st, want_hc in (("runtime", False), ("bgp", False), ("etcd", True)):
        info = stage_of.get(st)
        if info is None:
            fail(f"{name}: stage {st} exists")
            continue
        user = info["user"]
        check(user and user.split(":")[0] not in ("root", "0"),
              f"{name}: stage {st} runs as a non-root USER ({user})", f"USER {user}")
        if want_hc:
            check(info["healthcheck"], f"{name}: stage {st} has a HEALTHCHECK")


# ---- compose ----------------------------------------------------------------------------

def check_compose(path, topo_path):
    try:
        import yaml
    except ImportError:
        print("# python3-yaml missing: compose privilege checks skipped")
        return
    with open(path) as f:
        doc = yaml.safe_load(f)
    with open(topo_path) as f:
        topo = json.load(f)
    services, networks = doc.get("services", {}), doc.get("networks", {})
    nodes = topo["nodes"]
    want = {"etcd": set(), "controller": set()}
    for n, v in nodes.items():
        want[n] = {"NET_ADMIN"}
        dom = topo.get("domains", {}).get(v.get("domain"), {})
        if dom.get("isis"):
            want[f"{n}-speaker"] = {"NET_RAW"}
        want[f"{n}-agent"] = {"NET_ADMIN"}
        if "bgp" in v:
            want[f"{n}-bgp"] = set()
    check(set(services) == set(want), f"compose: services are exactly etcd, controller and "
          f"per router holder/speaker/agent/bgp ({len(want)})",
          f"extra {sorted(set(services) - set(want))}, missing {sorted(set(want) - set(services))}")
    bad = []
    for name, caps in sorted(want.items()):
        s = services.get(name)
        if s is None:
            continue
        if s.get("privileged"):
            bad.append(f"{name}: privileged")
        if s.get("cap_drop") != ["ALL"]:
            bad.append(f"{name}: cap_drop {s.get('cap_drop')} (want [ALL])")
        if set(s.get("cap_add", [])) != caps:
            bad.append(f"{name}: cap_add {s.get('cap_add', [])} (want {sorted(caps)})")
        if "no-new-privileges:true" not in s.get("security_opt", []):
            bad.append(f"{name}: no no-new-privileges")
        img = str(s.get("image", ""))
        if ":" not in img or img.endswith(":latest"):
            bad.append(f"{name}: image {img!r} (want a version tag)")
        for tag in ("-speaker", "-agent", "-bgp"):
            if name.endswith(tag):
                node = name[: -len(tag)]
                if s.get("network_mode") != f"service:{node}":
                    bad.append(f"{name}: network_mode {s.get('network_mode')} (want service:{node})")
    check(not bad, "compose: each service's capabilities are exactly the expected ones "
          "(holder NET_ADMIN, speaker NET_RAW, agent NET_ADMIN, controller/etcd/bgp none), "
          "cap_drop ALL, no-new-privileges, versioned images, shared namespaces", "; ".join(bad))
    bad = []
    for n in nodes:
        sc = services.get(n, {}).get("sysctls", {})
        for k in ("net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding",
                  "net.ipv6.conf.all.seg6_enabled"):
            if str(sc.get(k)) != "1":
                bad.append(f"{n}: sysctl {k}={sc.get(k)}")
    check(not bad, "compose: every holder sets forwarding and seg6_enabled", "; ".join(bad))
    bad = [f"{k}: not internal" for k, v in networks.items() if not (v or {}).get("internal")]
    check(not bad and len(networks) == 1 + len(topo.get("links", [])),
          f"compose: {len(networks)} networks (mgmt + one per link), all internal", "; ".join(bad))
    hc = services.get("etcd", {})
    deps = [s for s, v in services.items() if "etcd" in (v.get("depends_on") or {})]
    check(all(services[s]["depends_on"]["etcd"].get("condition") == "service_healthy" for s in deps)
          and deps, f"compose: {len(deps)} services wait for etcd's healthcheck")


# ---- systemd ----------------------------------------------------------------------------

UNITS = {
    "kvte-speaker@.service": {"caps": {"CAP_NET_RAW"},
                              "af": {"AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"}},
    "kvte-agent@.service": {"caps": {"CAP_NET_ADMIN"}, "af": {"AF_INET", "AF_INET6", "AF_NETLINK"}},
    "kvte-controller.service": {"caps": set(), "af": {"AF_INET", "AF_INET6"}},
    "kvte-bgp@.service": {"caps": {"CAP_NET_BIND_SERVICE"}, "af": {"AF_INET", "AF_INET6", "AF_UNIX"}},
}


def unit_values(path):
    """{(section, key): [values in order]} (systemd allows repeated keys)."""
    vals, sec = {}, None
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                sec = line.strip("[]")
                continue
            k, _, v = line.partition("=")
            vals.setdefault((sec, k.strip()), []).append(v.strip())
    return vals


def last_set(vals, key):
    """The effective set of a list setting: an empty assignment resets it."""
    out = set()
    for v in vals.get(("Service", key), []):
        if v == "":
            out = set()
        else:
            out |= set(v.split())
    return out


def check_units(d):
    found = sorted(f for f in os.listdir(d) if f.endswith(".service"))
    check(found == sorted(UNITS), f"systemd: units {', '.join(sorted(UNITS))}", f"found {found}")
    for u, want in UNITS.items():
        p = os.path.join(d, u)
        if not os.path.exists(p):
            continue
        v = unit_values(p)
        amb, bnd = last_set(v, "AmbientCapabilities"), last_set(v, "CapabilityBoundingSet")
        has_bounding = ("Service", "CapabilityBoundingSet") in v
        check(amb == want["caps"] and bnd == want["caps"] and has_bounding,
              f"{u}: grants exactly {sorted(want['caps']) or 'no capability'} "
              "(AmbientCapabilities = CapabilityBoundingSet)",
              f"ambient {sorted(amb)}, bounding {sorted(bnd) if has_bounding else 'unset (all)'}")
        af = last_set(v, "RestrictAddressFamilies")
        check(af == want["af"], f"{u}: RestrictAddressFamilies {' '.join(sorted(want['af']))}",
              f"got {sorted(af)}")
        need = {"DynamicUser": "yes", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
                "ProtectHome": "yes", "PrivateTmp": "yes", "Restart": "on-failure"}
        bad = [f"{k}={v.get(('Service', k), ['(unset)'])[-1]}" for k, w in need.items()
               if v.get(("Service", k), [None])[-1] != w]
        if "-/etc/default/kvte" not in v.get(("Service", "EnvironmentFile"), []):
            bad.append("no EnvironmentFile=-/etc/default/kvte")
        if ("Service", "PrivateNetwork") in v or ("Service", "User") in v:
            bad.append("PrivateNetwork= or User= set")
        exe = v.get(("Service", "ExecStart"), [""])[-1]
        if u != "kvte-bgp@.service" and "--etcd ${KVTE_ETCD}" not in exe:
            bad.append(f"ExecStart without --etcd ${{KVTE_ETCD}}: {exe}")
        if u == "kvte-speaker@.service" and "--config /etc/kvte/%i.json" not in exe:
            bad.append("speaker config is not /etc/kvte/%i.json")
        check(not bad, f"{u}: DynamicUser, NoNewPrivileges, ProtectSystem=strict, ProtectHome, "
              "PrivateTmp, Restart=on-failure, EnvironmentFile /etc/default/kvte", "; ".join(bad))


def main(argv):
    if len(argv) >= 3 and argv[1] == "dockerfile":
        check_dockerfile(argv[2])
    elif len(argv) >= 4 and argv[1] == "compose":
        check_compose(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "units":
        check_units(argv[2])
    else:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
