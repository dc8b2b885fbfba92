#!/usr/bin/env bash
# make test: build with sanitizers and warnings as errors, run the unit tests,
# start a whole private stack on free ports in a temporary folder, run the
# system tests and the browser tests against it, tear everything down (also
# when a test fails), and end with one line "N passed, N failed, N skipped"
# after the names of the failed and the skipped tests.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

passed=0
failed=0
skipped=0
failures=()
skips=()
TMP=
fail() { failed=$((failed + 1)); failures+=("$1"); }
# A unit test binary that runs longer than this is stopped and failed, so a
# hung test (a bridge that never answers) cannot hang make test.
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}

summary() {
  echo
  if ((${#failures[@]})); then
    echo "failed:"
    printf '  %s\n' "${failures[@]}"
  fi
  if ((${#skips[@]})); then
    echo "skipped:"
    printf '  %s\n' "${skips[@]}"
  fi
  echo "make test took $SECONDS s"
  echo "$passed passed, $failed failed, $skipped skipped"
}

cleanup() {
  if [[ -n ${TMP:-} && -d $TMP ]]; then
    scripts/stack.sh stop "$TMP" >/dev/null 2>&1 || true
    # Whatever a test started in the stack folder and lost track of.
    pkill -KILL -f "$TMP" 2>/dev/null || true
    if [[ -n ${KEEP_TEST_DIR:-} ]]; then echo "test folder kept: $TMP"; else rm -rf "$TMP"; fi
  fi
}
trap 'cleanup' EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# --- build ------------------------------------------------------------------
echo "== build (AddressSanitizer + UBSan, warnings as errors)"
# BUILD lets several checkouts' runs share a machine without sharing objects.
export BUILD=${BUILD:-build/asan}
if ! make --no-print-directory -s -j2 VARIANT=asan BUILD="$BUILD" all unit tools; then
  fail "build"
  summary
  exit 1
fi
# The C layout: .clang-format is the house style, and a clean tree keeps it.
if out=$(make --no-print-directory -s format-check 2>&1); then
  passed=$((passed + 1))
  echo "  layout: every C file as .clang-format lays it out"
else
  fail "format-check (run make format)"
  head -20 <<<"$out"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:exitcode=23}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=24}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

# --- unit tests (cmocka) ----------------------------------------------------
echo "== unit tests"
for t in "$BUILD"/tests/test_*; do
  [[ -x $t ]] || continue
  name=$(basename "$t")
  out=$(timeout -k 5 "$UNIT_TIMEOUT" "$t" 2>&1)
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
  passed=$((passed + ${p:-0}))
  skipped=$((skipped + ${s:-0}))
  # cmocka names a skipped test once when it runs and again in its summary.
  while IFS= read -r n; do
    [[ -n $n ]] && skips+=("$name: $n")
  done < <(sed -n '/^\[  SKIPPED \] [0-9]* test/d; s/^\[  SKIPPED \] //p' <<<"$out" | sort -u)
  if [[ $rc == 124 || $rc == 137 ]]; then
    fail "$name: timed out after $UNIT_TIMEOUT s"
    echo "$out" | tail -30
  elif [[ $rc != 0 || -n $f ]]; then
    fail "$name"
    echo "$out" | tail -30
  fi
  echo "  $name: ${p:-0} passed${f:+, $f failed}${s:+, $s skipped}$([[ $rc == 124 || $rc == 137 ]] && echo ", timed out")"
done

# --- the stack --------------------------------------------------------------
TMP=$(mktemp -d /tmp/tarjotin-test.XXXXXX)
chmod 755 "$TMP" # PostgreSQL runs as another user and must reach its folder
read -r P_HTTP P_PG P_REDIS P_SMTP P_MAILHTTP P_SMS P_DIR1 P_DIR2 P_STATS P_GWRPC P_OIDC P_STATSREP < <(scripts/free-ports 12)
export TARJOTIN_BIN=$ROOT/$BUILD
export TARJOTIN_HTTP_PORT=$P_HTTP TARJOTIN_PG_PORT=$P_PG TARJOTIN_REDIS_PORT=$P_REDIS
export TARJOTIN_SMTP_PORT=$P_SMTP TARJOTIN_MAILCATCHER_HTTP_PORT=$P_MAILHTTP TARJOTIN_SMS_PORT=$P_SMS
export TARJOTIN_DIRECTORY_PORT=$P_DIR1 TARJOTIN_STATS_PORT=$P_STATS TARJOTIN_OIDC_PORT=$P_OIDC
export TARJOTIN_STATS_REPORT_PORT=$P_STATSREP
# The gateway knows two directory endpoints (the second starts in a test)
# and also takes instances that dial in.
export TARJOTIN_DIRECTORY_ENDPOINTS="tcp://127.0.0.1:$P_DIR1,tcp://127.0.0.1:$P_DIR2"
export TARJOTIN_DIRECTORY2_PORT=$P_DIR2
export TARJOTIN_GATEWAY_RPC_BIND="tcp://127.0.0.1:$P_GWRPC"
export TARJOTIN_TEST_CLOCK=1 # the review's clock, moved by tests (scripts/stack.sh)
export TARJOTIN_PG_FSYNC=off # a throw-away cluster: speed over durability
echo "== starting the stack in $TMP"
if ! scripts/stack.sh start "$TMP"; then
  fail "stack start"
  tail -n 20 "$TMP"/logs/*.log
  summary
  exit 1
fi
cat >>"$TMP/env" <<ENV
TARJOTIN_DIRECTORY2_PORT=$P_DIR2
TARJOTIN_GATEWAY_RPC_BIND=$TARJOTIN_GATEWAY_RPC_BIND
TARJOTIN_ROOT=$ROOT
ENV
# The tests' psql reach the stack's PostgreSQL with its passwords (scram).
export PGPASSFILE=$TMP/pgpass
# and redis-cli its Redis as the operator (user "default").
REDISCLI_AUTH=$(sed -n 's/^REDIS_PASSWORD_ADMIN=//p' "$TMP/secrets")
export REDISCLI_AUTH

# node --test prints TAP; its closing "# pass N" / "# fail N" lines are ours.
run_node_tests() {
  local f out p fl c sk t0
  for f in "$@"; do
    [[ -f $f ]] || continue
    # ONLY='hsds|search' runs just the system and browser test files whose
    # path matches (for working on one part; make test runs them all).
    [[ -n ${ONLY:-} && ! $f =~ $ONLY ]] && continue
    t0=$SECONDS
    out=$(TARJOTIN_STACK_DIR=$TMP TARJOTIN_URL=http://127.0.0.1:$P_HTTP \
      timeout 600 node --test --test-reporter=tap "$f" 2>&1)
    t0=$((SECONDS - t0))
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' <<<"$out" | tail -1)
    fl=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' <<<"$out" | tail -1)
    # A cancelled test (a failed before-hook, a timeout) is a failure, and
    # so is a file in which no test ran at all.
    c=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' <<<"$out" | tail -1)
    fl=$((${fl:-1} + ${c:-0}))
    if [[ ${p:-0} == 0 && $fl == 0 ]]; then fl=1; out+=$'\nnot ok - no test ran in this file'; fi
    passed=$((passed + ${p:-0}))
    sk=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' <<<"$out" | tail -1)
    skipped=$((skipped + ${sk:-0}))
    # "ok 3 - name # SKIP reason", at any depth (tests inside a describe).
    while IFS= read -r n; do
      [[ -n $n ]] && skips+=("$f: $n")
    done < <(sed -En '/^ *ok [0-9]+ - .* # SKIP/{s/^ *ok [0-9]+ - (.*) # SKIP ?(.*)$/\1 (\2)/; s/ \(\)$//; p}' <<<"$out")
    if [[ ${fl:-1} != 0 ]]; then
      failed=$((failed + ${fl:-1}))
      failures+=("$f")
      grep -E '^ *not ok|^ *(error|expected|actual|failureType):|AssertionError' -A3 <<<"$out" | head -60
    fi
    echo "  $(basename "$f"): ${p:-0} passed, ${fl:-?} failed$( ((${sk:-0})) && echo ", $sk skipped") (${t0} s)"
    # A test's own figures, printed as "report: ..." (TAP shows "# report: ...").
    sed -n 's/^# report: /    /p' <<<"$out"
  done
}

echo "== system tests"
run_node_tests tests/system/*.test.mjs

echo "== browser tests"
if [[ -d tests/browser/node_modules ]]; then
  run_node_tests tests/browser/*.test.mjs
else
  fail "browser tests: tests/browser/node_modules missing (make deps)"
fi

# After every sign-in, the browser tests' too: no session id, token or
# unmasked e-mail address in any log (tests/system/last/).
echo "== log search"
run_node_tests tests/system/last/*.test.mjs

# --- sanitizer reports in the services' logs ---------------------------------
echo "== stopping the stack"
pids=$(cat "$TMP"/pids/*.pid 2>/dev/null; head -1 "$TMP/pg/postmaster.pid" 2>/dev/null)
scripts/stack.sh stop "$TMP"
# A process may take a moment to go after its parent stopped it.
for _ in $(seq 30); do
  left=
  for p in $pids $(pgrep -f "$TMP"); do
    kill -0 "$p" 2>/dev/null && left+=" $p:$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | cut -c1-80)"
  done
  [[ -z $left ]] && break
  sleep 0.1
done
if [[ -n ${left// /} ]]; then
  fail "processes left behind after stop:$left"
else
  passed=$((passed + 1))
  echo "  every process of the stack stopped"
fi
if grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP"/logs/*.log 2>/dev/null; then
  for l in $(grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP"/logs/*.log); do
    fail "sanitizer report in $(basename "$l")"
    grep -A25 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$l" | head -60
  done
else
  passed=$((passed + 1))
  echo "  no sanitizer reports in service logs"
fi

mkdir -p "$BUILD/test-logs" && cp "$TMP"/logs/*.log "$BUILD/test-logs/" 2>/dev/null # for a look afterwards
cleanup
TMP_DONE=$TMP
TMP=
if [[ -z ${KEEP_TEST_DIR:-} ]]; then
  if [[ -e $TMP_DONE ]]; then fail "temporary folder left behind: $TMP_DONE"; else passed=$((passed + 1)); fi
fi

summary
((failed == 0))
