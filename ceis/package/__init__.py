"""The CEIS data package, format `ceis.package/1` (docs/data-package.md).

`spec` lists the files and columns; `reader` parses them; `importer` validates a whole package and
writes it in bulk, atomically; `exporter` writes the database out; `views` are the admin pages.
Each programme's files, with their rules and writers, are in its own `package.py` (see `spec`).
"""
