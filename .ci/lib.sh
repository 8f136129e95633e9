# Shared by .ci/setup.sh, .ci/test.sh and .ci/run: the timing table every CI log ends with.
# Each timed step appends "name<TAB>seconds<TAB>status" to $PREFLIGHT_TIMINGS (when set).

log() { printf '== %s\n' "$*" >&2; }

# timed NAME COMMAND...: runs COMMAND, records its wall time under NAME, keeps its exit status.
timed() {
  local name=$1 t0 status=0
  shift
  t0=$(date +%s)
  printf '\n== %s (%s)\n' "$name" "$(date +%T)" >&2
  "$@" || status=$?
  record "$name" "$(($(date +%s) - t0))" "$status"
  return "$status"
}

record() {
  [ -n "${PREFLIGHT_TIMINGS:-}" ] || return 0
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$PREFLIGHT_TIMINGS"
}

# timing_table FILE: the table, one row a step, with minutes and the total wall time.
timing_table() {
  [ -s "$1" ] || return 0
  printf '\n== timing (seconds; steps in parallel overlap)\n'
  awk -F'\t' '{ st = ($3 == 0) ? "ok" : "FAILED (" $3 ")"; printf "  %-58s %6d s %6.1f min  %s\n", $1, $2, $2 / 60, st }' "$1"
}
