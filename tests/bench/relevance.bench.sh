# shellcheck shell=bash
# The relevance set (tests/relevance, issue 17) over the demo data, sourced by
# tests/bench/bench.sh with URL set. Its name sorts before search.bench.sh, so
# it runs BEFORE the national data (50,000 competing activities) is loaded.
echo
echo "== relevance (demo data)"
if ! node tests/relevance/relevance.mjs "$URL" | sed 's/^/  /'; then
  echo "  relevance bench incomplete"
fi
