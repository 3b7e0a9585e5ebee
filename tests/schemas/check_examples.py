#!/usr/bin/python3
"""check_examples — every kvte JSON Schema is valid and agrees with its examples.

Usage: /usr/bin/python3 tests/schemas/check_examples.py <schemas-dir>

Checks, for schemas/*.schema.json (draft 2020-12) and schemas/examples/<family>/:
  - every schema passes check_schema, and its "$id" is
    https://kvte.dev/schemas/<file name>, with a title and a description;
  - every value family (each schema but the shared defs.schema.json) has an examples
    directory with at least one valid-*.json and one invalid-*.json, and every examples
    directory names an existing schema;
  - every valid example validates; every invalid example is rejected, with all its
    errors at one place in the value (one instance path: a bad address may fail both
    its "format" and its "pattern"), so each invalid file tests the one thing its
    name says.
References between schemas ("defs.schema.json#/$defs/node") are resolved locally; formats
(ipv4, ipv6, date-time) are checked. Prints one line per example and a summary line;
exits 1 on any failure. Runs as ctest "schema/examples" (tests/CMakeLists.txt).
"""
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

ID_BASE = "https://kvte.dev/schemas/"
SHARED = {"defs"}  # schemas referenced by others, not stored under any key


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_validator_factory(schemas):
    """Return f(schema) -> validator resolving $refs among `schemas` ({$id: schema})."""
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (sid, Resource.from_contents(s)) for sid, s in schemas.items())
        return lambda s: Draft202012Validator(s, registry=registry,
                                              format_checker=FormatChecker())
    except ImportError:  # Debian 12: jsonschema 4.10
        def factory(s):
            resolver = jsonschema.RefResolver.from_schema(s, store=dict(schemas))
            return Draft202012Validator(s, resolver=resolver,
                                        format_checker=FormatChecker())
        return factory


def describe(err):
    where = "/".join(str(p) for p in err.absolute_path) or "(root)"
    msg = err.message
    if len(msg) > 160:
        msg = msg[:157] + "..."
    return f"{where}: {msg}"


def main(argv):
    if len(argv) != 2:
        print("usage: check_examples.py <schemas-dir>", file=sys.stderr)
        return 2
    root = argv[1]
    failures = []
    n_examples = 0

    def fail(line):
        failures.append(line)
        print("FAIL " + line)

    schemas = {}  # family -> schema
    for name in sorted(os.listdir(root)):
        if not name.endswith(".schema.json"):
            continue
        family = name[: -len(".schema.json")]
        path = os.path.join(root, name)
        try:
            s = load_json(path)
            Draft202012Validator.check_schema(s)
        except (ValueError, jsonschema.exceptions.SchemaError) as e:
            fail(f"schema {name}: {str(e).splitlines()[0]}")
            continue
        if s.get("$id") != ID_BASE + name:
            fail(f"schema {name}: $id is {s.get('$id')!r}, expected {ID_BASE + name!r}")
        for field in ("title", "description"):
            if not s.get(field):
                fail(f"schema {name}: no {field}")
        schemas[family] = s
    print(f"ok   {len(schemas)} schemas pass check_schema")

    factory = make_validator_factory({s["$id"]: s for s in schemas.values()
                                      if "$id" in s})
    exdir = os.path.join(root, "examples")
    dirs = sorted(os.listdir(exdir)) if os.path.isdir(exdir) else []
    for family in sorted(set(schemas) - SHARED - set(dirs)):
        fail(f"{family}: no examples directory {family}/")
    for family in dirs:
        fdir = os.path.join(exdir, family)
        if not os.path.isdir(fdir):
            fail(f"examples/{family}: not a directory")
            continue
        if family not in schemas or family in SHARED:
            fail(f"examples/{family}/: no schema {family}.schema.json")
            continue
        files = sorted(os.listdir(fdir))
        kinds = {"valid": 0, "invalid": 0}
        validator = factory(schemas[family])
        for fname in files:
            rel = f"{family}/{fname}"
            kind = fname.split("-", 1)[0]
            if kind not in kinds or not fname.endswith(".json"):
                fail(f"{rel}: name must be valid-*.json or invalid-*.json")
                continue
            kinds[kind] += 1
            n_examples += 1
            try:
                value = load_json(os.path.join(fdir, fname))
            except ValueError as e:
                fail(f"{rel}: not JSON: {e}")
                continue
            errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
            if kind == "valid":
                if errors:
                    fail(f"{rel}: valid example rejected: {describe(errors[0])}")
                else:
                    print(f"ok   {rel}")
            elif not errors:
                fail(f"{rel}: invalid example accepted")
            elif len({tuple(e.absolute_path) for e in errors}) > 1:
                fail(f"{rel}: invalid example breaks {len(errors)} things, not one: "
                     + "; ".join(describe(e) for e in errors))
            else:
                print(f"ok   {rel}: rejected: {describe(errors[0])}")
        for kind, count in kinds.items():
            if count == 0:
                fail(f"{family}: no {kind}-*.json example")

    families = len(set(schemas) - SHARED)
    status = "FAILED" if failures else "passed"
    print(f"schema/examples: {len(schemas)} schemas ({families} families), "
          f"{n_examples} examples, {len(failures)} failures: {status}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
