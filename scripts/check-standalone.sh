#!/usr/bin/env bash
# The repository must stand alone: no tracked file may read or cite a folder beside the checkout
# (the steering folder next to it, or the like). The taxonomy and the scan contract are docs/taxonomy.md; the scorer
# is tests/eval/score.py. Fails, listing the offending lines, when anything points outside.
set -euo pipefail
cd "$(dirname "$0")/.."
# That folder by a relative or absolute path, and its old taxonomy and scorer, however cited.
pattern='(\.\./|/work/)shared|shared[/](taxonomy\.md|eval/)'
if hits=$(git grep -n -I -E -e "$pattern" -- . ':!scripts/check-standalone.sh'); then
  echo "check-standalone: tracked files refer to a folder outside the repository:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "check-standalone: ok (no tracked file refers to a folder outside the repository)"
