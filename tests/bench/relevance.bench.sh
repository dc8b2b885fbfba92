# shellcheck shell=bash
# The relevance set (tests/relevance, issue 17) over the demo data, sourced by
# tests/bench/bench.sh with URL set. Its name sorts before search.bench.sh, so
# it runs BEFORE the national data (50,000 competing activities) is loaded.
# Targets: nDCG@5 >= 0.85, no zero-result query.
echo
echo "== relevance (demo data)"
if node tests/relevance/relevance.mjs "$URL" >"$TMP/relevance.out" 2>&1; then
  sed 's/^/  /' "$TMP/relevance.out"
  awk '/^relevance ndcg5=/ {split($2,a,"="); split($3,b,"=");
    printf "  nDCG@5 >= 0.85:         %s (%s)\n", (a[2] >= 0.85 ? "met" : "NOT MET"), a[2];
    printf "  no zero-result query:   %s (rate %s)\n", (b[2] == 0 ? "met" : "NOT MET"), b[2]}' "$TMP/relevance.out"
else
  sed 's/^/  /' "$TMP/relevance.out"
  echo "  relevance bench incomplete"
fi
