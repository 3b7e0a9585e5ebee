#!/usr/bin/python3
"""validate — check JSON values against one kvte schema family.

Usage: /usr/bin/python3 tests/schemas/validate.py <schemas-dir> <family> <file>...

Each file holds one JSON value, validated against <schemas-dir>/<family>.schema.json
(draft 2020-12, formats checked) with every schema of <schemas-dir> registered so refs
like "defs.schema.json#/$defs/node" resolve locally (check_examples.py's factory, so the
two agree). Prints "ok <file>" or "FAIL <file>: <path>: <message>" per file; exits 0 when
all are valid, 1 when one is not, 2 on bad usage or a missing schema. Used by
tests/unit/test_ted_json.c on the values kvte-speaker writes.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_examples import describe, load_json, make_validator_factory  # noqa: E402


def main(argv):
    if len(argv) < 4:
        print("usage: validate.py <schemas-dir> <family> <file>...", file=sys.stderr)
        return 2
    root, family, files = argv[1], argv[2], argv[3:]
    schemas = {}
    for name in sorted(os.listdir(root)):
        if name.endswith(".schema.json"):
            s = load_json(os.path.join(root, name))
            schemas[name[: -len(".schema.json")]] = s
    if family not in schemas:
        print(f"no schema {family}.schema.json in {root}", file=sys.stderr)
        return 2
    factory = make_validator_factory({s["$id"]: s for s in schemas.values() if "$id" in s})
    validator = factory(schemas[family])
    bad = 0
    for path in files:
        try:
            value = load_json(path)
        except ValueError as e:
            print(f"FAIL {path}: not JSON: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
        if errors:
            print(f"FAIL {path}: {describe(errors[0])}")
            bad += 1
        else:
            print(f"ok   {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
