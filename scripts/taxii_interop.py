#!/usr/bin/env python3
"""Reads a TAXII 2.1 collection with the OASIS reference client (taxii2-client 2.3.0).

Usage: taxii_interop.py DISCOVERY_URL USER KEY COLLECTION_ALIAS PAGE_SIZE
Prints one JSON line: {"api_root", "collection_id", "objects": [ids in order], "pages"}.
Cordon's tests run it against `cordon serve` to show that a third-party client reads its
collections; any protocol error is an exception and a non-zero exit.
"""
import json
import sys

from taxii2client.v21 import Server, as_pages


def main() -> int:
    url, user, key, alias, page_size = sys.argv[1:6]
    server = Server(url, user=user, password=key)
    root = server.default or server.api_roots[0]
    collection = next(c for c in root.collections if c.alias == alias or c.title == alias)
    ids = []
    pages = 0
    for envelope in as_pages(collection.get_objects, per_request=int(page_size)):
        pages += 1
        ids.extend(o["id"] for o in envelope.get("objects", []))
    manifest = collection.get_manifest()
    print(json.dumps({
        "api_root": root.url,
        "collection_id": collection.id,
        "can_read": collection.can_read,
        "objects": ids,
        "pages": pages,
        "manifest_first_page": len(manifest.get("objects", [])),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
