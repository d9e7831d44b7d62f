# Shared by test/engines/provide.sh and test/engines/build/*.sh (sourced, not run).
# provide.sh exports the pinned versions (versions.env), ENGINES_CACHE (the cache root, outside the repository) and
# ENGINES_ENV (the file of KEY=/absolute/path lines that the jest suites read).

# Seconds since the epoch with decimals, for timings.
engines_now() { date +%s.%N; }

# Elapsed seconds since $1, one decimal.
engines_since() { awk -v a="$1" -v b="$(engines_now)" 'BEGIN { printf "%.1f", b - a }'; }

engines_say() { printf '[engines] %s\n' "$*" >&2; }

# Records where a binary is: engines_record KEY /abs/path (KEY like KUBE_APISERVER_BIN).
engines_record() { printf '%s=%s\n' "$1" "$2" >>"$ENGINES_ENV"; }

# Records why an engine is missing: engines_missing NAME "reason". The suites print it when they skip (or fail in CI).
engines_missing() { printf 'MISSING_%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ')" >>"$ENGINES_ENV"; }

# A binary on PATH, or nothing.
engines_on_path() { command -v "$1" 2>/dev/null || true; }
