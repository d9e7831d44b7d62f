#!/usr/bin/env bash
# Provides every real engine `npm run test:engines` runs, at the versions pinned in test/engines/versions.env.
# Each test/engines/build/*.sh uses a binary of the pinned version already on PATH, else its cache under
# ${XDG_CACHE_HOME:-$HOME/.cache}/cluster-estate/engines/<name>-<version>/, else builds it there from the Go module
# proxy. Writes $ENGINES_CACHE/engines.env (KEY=/absolute/path lines, MISSING_<NAME>=reason for an engine that could
# not be provided). With CI=true a missing engine fails this script; elsewhere the suites skip and say why.
#   bash test/engines/provide.sh            # every engine
#   bash test/engines/provide.sh kubernetes # only build/kubernetes.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

set -a
. "$here/versions.env"
set +a
export ENGINES_CACHE="${ENGINES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cluster-estate/engines}"
mkdir -p "$ENGINES_CACHE"
final="$ENGINES_CACHE/engines.env"
# Each build script's entries go to env.d/<script>.env; engines.env is all of them, so a partial run
# (provide.sh kubernetes) replaces only what that script provides.
mkdir -p "$ENGINES_CACHE/env.d"

start=$(engines_now)
status=0
for script in "$here"/build/*.sh; do
  name=$(basename "$script" .sh)
  if [ "$#" -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  s=$(engines_now)
  export ENGINES_ENV="$ENGINES_CACHE/env.d/$name.env.$$"
  : >"$ENGINES_ENV"
  if ! command -v go >/dev/null 2>&1; then
    engines_missing "$(echo "$name" | tr a-z- A-Z_)" "go is not on PATH, so $name cannot be built"
  fi
  # One build of an engine at a time, also across concurrent provide.sh runs (a second run waits, then hits the cache).
  if flock "$ENGINES_CACHE/$name.lock" bash "$script"; then
    engines_say "$name: ready in $(engines_since "$s") s"
  else
    engines_say "$name: FAILED after $(engines_since "$s") s"
    status=1
  fi
  mv "$ENGINES_ENV" "$ENGINES_CACHE/env.d/$name.env"
done
cat "$ENGINES_CACHE"/env.d/*.env >"$final.$$" 2>/dev/null
mv "$final.$$" "$final"
engines_say "all engines: $(engines_since "$start") s; paths in $final"
sed 's/^/[engines]   /' "$final" >&2

ci=$(printf '%s' "${CI:-}" | tr A-Z a-z)
if [ "$status" != 0 ]; then
  if [ "$ci" = true ] || [ "$ci" = 1 ]; then
    engines_say "CI=$CI: an engine is missing, failing"
    exit 1
  fi
  engines_say "an engine is missing: its suites will skip and say why"
fi
exit 0
