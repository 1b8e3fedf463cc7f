#!/bin/sh
# Page benchmark, e.g. `bench/pages.sh --cases 100000`; see bench/README.md.
exec "$(dirname "$0")/../.venv/bin/python" "$(dirname "$0")/pages.py" "$@"
