"""A catalog scaled to a city's size (600 items, 2,000 scope entries) from the bundled one.

Copies keep every real item's shape (mode, limits, materials, fields) under new codes, so
the scaled file passes the same import checks as the real one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

BUNDLED = Path(__file__).parents[1] / "resources" / "catalog" / "catalog.json"


def scaled_catalog(items: int = 600, scope: int = 2000, source: Path = BUNDLED) -> dict[str, Any]:
    base = json.loads(source.read_text(encoding="utf-8"))
    out = copy.deepcopy(base)
    out["label"] = f"{base['label']}（扩充至{items}项，用于性能测试）"
    originals = base["items"]
    n = 0
    while len(out["items"]) < items:
        item = copy.deepcopy(originals[n % len(originals)])
        item["code"] = f"BX-{n:05d}"
        item["name"] = f"{item['name']}（第{n // len(originals) + 2}批）"
        out["items"].append(item)
        n += 1
    codes = [i["code"] for i in out["items"]]
    originals_scope = base["scope"]
    n = 0
    while len(out["scope"]) < scope:
        entry = copy.deepcopy(originals_scope[n % len(originals_scope)])
        entry["code"] = f"S{n:05d}"
        entry["text"] = f"{entry['text']}（{n // len(originals_scope) + 2}）"
        if entry["licensed"]:
            entry["items"] = [codes[(n * 7 + k * 13) % len(codes)] for k in range(1 + n % 3)]
        out["scope"].append(entry)
        n += 1
    return out


if __name__ == "__main__":
    print(json.dumps(scaled_catalog(), ensure_ascii=False)[:200])
