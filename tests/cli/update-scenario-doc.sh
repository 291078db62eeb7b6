#!/bin/sh
# Regenerates the key reference in docs/scenario-format.md from the schema the
# program validates against (`netsim schema`), between the BEGIN/END GENERATED
# markers. The cli test suite fails while the two differ.
#   tests/cli/update-scenario-doc.sh [path/to/netsim]   (default: build/netsim)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
netsim=${1:-$top/build/netsim}
doc=$top/docs/scenario-format.md
tmp=$(mktemp)
"$netsim" schema > "$tmp.gen"
awk -v gen="$tmp.gen" '
  /^<!-- BEGIN GENERATED: netsim schema -->$/ { print; while ((getline line < gen) > 0) print line; skip = 1; next }
  /^<!-- END GENERATED -->$/ { skip = 0 }
  !skip { print }
' "$doc" > "$tmp"
if cmp -s "$tmp" "$doc"; then echo "docs/scenario-format.md: up to date"; else mv "$tmp" "$doc"; echo "docs/scenario-format.md: reference regenerated"; fi
rm -f "$tmp" "$tmp.gen"
