#!/usr/bin/env python3
"""Trim the botocore service models into the JSON that scl_model embeds.

Usage: tools/gen_model.py [--botocore-data DIR] [--out DIR]

  --botocore-data  botocore's `data` directory (default: located through `import botocore`,
                   falling back to the pyenv path used on the build machines).
  --out            output directory (default: engine/model/data next to this script's repo).

Writes `codebuild.json` and `stepfunctions.json`. The output keeps only what the emulator
needs (no documentation), and is deterministic so that regenerating is a no-op diff:

  {
    "metadata":   {"apiVersion", "endpointPrefix", "jsonVersion", "protocol", "serviceId",
                   "targetPrefix"},
    "operations": {"<Op>": {"input": "<Shape>"?, "output": "<Shape>"?, "errors": ["<Shape>"...]}},
    "shapes":     {"<Shape>": {"type": "...",
                               "members": [{"name": "...", "shape": "..."}...],  # declaration order
                               "required": ["..."], "min": n, "max": n, "pattern": "...",
                               "enum": ["..."],                                   # model order
                               "member": "<Shape>",                               # list
                               "key": "<Shape>", "value": "<Shape>",              # map
                               "sensitive": true, "exception": true}}
  }

Structure members are an array (not an object) because their declaration order decides the
order of validation messages and JSON object order is not preserved by every reader.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

FALLBACK_DATA = Path(
    "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data")

SERVICES = {
    # output file stem: (botocore service dir, api version)
    "codebuild": ("codebuild", "2016-10-06"),
    "stepfunctions": ("stepfunctions", "2016-11-23"),
}

METADATA_KEYS = ("apiVersion", "endpointPrefix", "jsonVersion", "protocol", "serviceId",
                 "targetPrefix")
SHAPE_SCALAR_KEYS = ("min", "max", "pattern", "enum", "sensitive", "exception")


def default_data_dir() -> Path:
    try:
        import botocore  # noqa: PLC0415 (optional dependency)
        return Path(os.path.dirname(botocore.__file__)) / "data"
    except ImportError:
        return FALLBACK_DATA


def load_model(data_dir: Path, service: str, version: str) -> dict:
    base = data_dir / service / version
    for name, opener in (("service-2.json.gz", gzip.open), ("service-2.json", open)):
        path = base / name
        if path.exists():
            with opener(path, "rt", encoding="utf-8") as f:
                return json.load(f)
    raise FileNotFoundError(f"no service-2.json(.gz) under {base}")


def number(v):
    # Models write limits as numbers; keep integers integral (e.g. 2160, not 2160.0).
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def trim_shape(shape: dict) -> dict:
    out: dict = {"type": shape["type"]}
    if "members" in shape:
        out["members"] = [{"name": name, "shape": m["shape"]}
                          for name, m in shape["members"].items()]
    if shape.get("required"):
        out["required"] = list(shape["required"])
    if "member" in shape:
        out["member"] = shape["member"]["shape"]
    if "key" in shape:
        out["key"] = shape["key"]["shape"]
    if "value" in shape:
        out["value"] = shape["value"]["shape"]
    for key in SHAPE_SCALAR_KEYS:
        if key in shape:
            v = shape[key]
            out[key] = number(v) if key in ("min", "max") else v
    return out


def trim_model(model: dict) -> dict:
    metadata = {k: model["metadata"][k] for k in METADATA_KEYS if k in model["metadata"]}
    operations = {}
    for name in sorted(model["operations"]):
        op = model["operations"][name]
        entry: dict = {}
        if "input" in op:
            entry["input"] = op["input"]["shape"]
        if "output" in op:
            entry["output"] = op["output"]["shape"]
        entry["errors"] = [e["shape"] for e in op.get("errors", [])]
        operations[name] = entry
    shapes = {name: trim_shape(model["shapes"][name]) for name in sorted(model["shapes"])}
    return {"metadata": metadata, "operations": operations, "shapes": shapes}


def main(argv: list[str]) -> int:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--botocore-data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=repo / "engine" / "model" / "data")
    args = parser.parse_args(argv)
    data_dir = args.botocore_data or default_data_dir()
    args.out.mkdir(parents=True, exist_ok=True)
    for stem, (service, version) in SERVICES.items():
        trimmed = trim_model(load_model(data_dir, service, version))
        text = json.dumps(trimmed, indent=1, ensure_ascii=True) + "\n"
        (args.out / f"{stem}.json").write_text(text, encoding="utf-8")
        print(f"{stem}.json: {len(trimmed['operations'])} operations, "
              f"{len(trimmed['shapes'])} shapes, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
