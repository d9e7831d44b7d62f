#!/usr/bin/env bash
# Provides kube-apiserver, kube-controller-manager and kube-scheduler (KUBERNETES_VERSION), etcd and KWOK.
# Run by test/engines/provide.sh, which exports the pinned versions, ENGINES_CACHE and ENGINES_ENV.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

CGO_ENABLED=0
export CGO_ENABLED
failed=0

# --- Kubernetes control plane -------------------------------------------------------------------------------------
k8s() {
  local v="$KUBERNETES_VERSION" dir="$ENGINES_CACHE/kubernetes-$KUBERNETES_VERSION" start bin found=1
  local names=(kube-apiserver kube-controller-manager kube-scheduler)
  start=$(engines_now)
  # 1. Binaries of exactly this version on PATH.
  for bin in "${names[@]}"; do
    local p; p=$(engines_on_path "$bin")
    if [ -z "$p" ] || [ "$("$p" --version 2>/dev/null | awk '{print $2}')" != "$v" ]; then found=0; fi
  done
  if [ "$found" = 1 ]; then
    for bin in "${names[@]}"; do engines_record "$(echo "$bin" | tr a-z- A-Z_)_BIN" "$(engines_on_path "$bin")"; done
    engines_say "kubernetes $v: found on PATH ($(engines_on_path kube-apiserver))"
    return 0
  fi
  # 2. The cache.
  if [ -f "$dir/.complete" ]; then
    for bin in "${names[@]}"; do engines_record "$(echo "$bin" | tr a-z- A-Z_)_BIN" "$dir/bin/$bin"; done
    engines_say "kubernetes $v: cache hit in $dir ($(engines_since "$start") s)"
    return 0
  fi
  # 3. Build. k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging/src/...,
  #    which its module zip lacks: the wrapper replaces each one with its published v0.<minor>.<patch>. The list is read
  #    from the release's own go.mod, so it follows the pinned version.
  engines_say "kubernetes $v: building into $dir (the first build takes 10-25 minutes on 2 cores)"
  rm -rf "$dir/src" "$dir/bin" && mkdir -p "$dir/src" "$dir/bin" || return 1
  (
    # Every step checked: `set -e` does not apply inside a subshell whose status is tested.
    cd "$dir/src" || exit 1
    go mod init local/cluster-estate-kubernetes >/dev/null 2>&1 || exit 1
    gomod=$(go mod download -json "k8s.io/kubernetes@$v" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).GoMod') || exit 1
    staging=$(grep -E '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$gomod" | awk '{print $1}')
    [ -n "$staging" ] || { engines_say "no staging modules found in $gomod"; exit 1; }
    # A staging module the proxy does not serve at v0.<minor>.<patch> (code-generator, sample-apiserver: tools and
    # examples none of the three commands imports) becomes an empty local module; if a command did import it, the build
    # fails and says which package is missing.
    stubs=()
    for m in $staging; do
      if go list -m -versions "$m" | tr ' ' '\n' | grep -qx "v0.${v#v1.}"; then
        go mod edit -replace="$m=$m@v0.${v#v1.}" || exit 1
      else
        mkdir -p "$dir/stubs/$m" && printf 'module %s\n' "$m" >"$dir/stubs/$m/go.mod" || exit 1
        go mod edit -replace="$m=$dir/stubs/$m" || exit 1
        stubs+=("${m#k8s.io/}")
      fi
    done
    engines_say "kubernetes $v: $(echo "$staging" | wc -w) staging modules replaced with v0.${v#v1.}${stubs[*]:+; not served, so empty (not imported): ${stubs[*]}}"
    pkgs=()
    for bin in "${names[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$bin@$v"); done
    go get "${pkgs[@]}" 2>&1 | grep -v '^go: \(downloading\|added\|upgraded\|downgraded\|finding\)' >&2
    [ "${PIPESTATUS[0]}" = 0 ] || exit 1
    engines_say "kubernetes $v: modules resolved ($(engines_since "$start") s)"
    minor="${v#v1.}"; minor="${minor%%.*}"
    ld="-s -w -X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1"
    ld="$ld -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
    ld="$ld -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
    for bin in "${names[@]}"; do
      go build -trimpath -ldflags "$ld" -o "$dir/bin/$bin" "k8s.io/kubernetes/cmd/$bin" || exit 1
      engines_say "kubernetes $v: built $bin ($(engines_since "$start") s so far)"
    done
    for bin in "${names[@]}"; do
      got=$("$dir/bin/$bin" --version | awk '{print $2}')
      [ "$got" = "$v" ] || { engines_say "$bin --version says $got, not $v"; exit 1; }
    done
  ) || { engines_missing KUBERNETES "building k8s.io/kubernetes@$v failed (see the output above; rerun: bash test/engines/provide.sh)"; return 1; }
  touch "$dir/.complete"
  for bin in "${names[@]}"; do engines_record "$(echo "$bin" | tr a-z- A-Z_)_BIN" "$dir/bin/$bin"; done
  engines_say "kubernetes $v: built in $(engines_since "$start") s"
}

# --- etcd ---------------------------------------------------------------------------------------------------------
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
etcd_engine() {
  local start p have dir="$ENGINES_CACHE/etcd-$ETCD_VERSION"
  start=$(engines_now)
  p=$(engines_on_path etcd)
  if [ -n "$p" ]; then
    have=$("$p" --version 2>/dev/null | awk '/etcd Version/ {print $3}')
    if [ -n "$have" ] && version_ge "$have" "$ETCD_MIN_VERSION"; then
      engines_record ETCD_BIN "$p"
      engines_say "etcd $have: found on PATH ($p)"
      return 0
    fi
    engines_say "etcd on PATH is ${have:-of unknown version}, older than $ETCD_MIN_VERSION: using $ETCD_VERSION"
  fi
  if [ -f "$dir/.complete" ]; then
    engines_record ETCD_BIN "$dir/bin/etcd"
    engines_say "etcd $ETCD_VERSION: cache hit in $dir ($(engines_since "$start") s)"
    return 0
  fi
  engines_say "etcd $ETCD_VERSION: building into $dir"
  rm -rf "$dir/src" "$dir/bin" && mkdir -p "$dir/src" "$dir/bin" || return 1
  (
    cd "$dir/src" || exit 1
    go mod init local/cluster-estate-etcd >/dev/null 2>&1 || exit 1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" 2>/dev/null || go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" || exit 1
    go build -trimpath -ldflags "-s -w" -o "$dir/bin/etcd" go.etcd.io/etcd/server/v3 || exit 1
    "$dir/bin/etcd" --version >/dev/null || exit 1
  ) || { engines_missing ETCD "building go.etcd.io/etcd/server/v3@$ETCD_VERSION failed; or install Debian's etcd-server"; return 1; }
  touch "$dir/.complete"
  engines_record ETCD_BIN "$dir/bin/etcd"
  engines_say "etcd $ETCD_VERSION: built in $(engines_since "$start") s"
}

# --- KWOK ---------------------------------------------------------------------------------------------------------
kwok_engine() {
  local start p dir="$ENGINES_CACHE/kwok-$KWOK_VERSION"
  start=$(engines_now)
  p=$(engines_on_path kwok)
  if [ -n "$p" ] && "$p" --version 2>/dev/null | grep -q "$KWOK_VERSION"; then
    engines_record KWOK_BIN "$p"
    engines_say "kwok $KWOK_VERSION: found on PATH ($p)"
    return 0
  fi
  if [ -f "$dir/.complete" ] && [ -f "$dir/stages.yaml" ]; then
    engines_record KWOK_BIN "$dir/bin/kwok"
    engines_record KWOK_STAGES "$dir/stages.yaml"
    engines_say "kwok $KWOK_VERSION: cache hit in $dir ($(engines_since "$start") s)"
    return 0
  fi
  engines_say "kwok $KWOK_VERSION: building into $dir"
  rm -rf "$dir/src" "$dir/bin" && mkdir -p "$dir/src" "$dir/bin" || return 1
  (
    cd "$dir/src" || exit 1
    go mod init local/cluster-estate-kwok >/dev/null 2>&1 || exit 1
    go get "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" 2>/dev/null || go get "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" || exit 1
    go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" -o "$dir/bin/kwok" sigs.k8s.io/kwok/cmd/kwok || exit 1
    "$dir/bin/kwok" --help >/dev/null || exit 1
    # The kwok binary runs only the stages it is given (kwokctl passes its defaults): the node and pod stages of the
    # module's kustomize/stage directory, as kwokctl picks them (node-initialize, node heartbeat with leases,
    # pod ready/complete/delete), concatenated into one config file in the cache.
    mod=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok) || exit 1
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
             pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      cat "$mod/kustomize/stage/$f" && printf -- '---\n'
    done >"$dir/stages.yaml" || exit 1
  ) || { engines_missing KWOK "building sigs.k8s.io/kwok@$KWOK_VERSION failed"; return 1; }
  touch "$dir/.complete"
  engines_record KWOK_BIN "$dir/bin/kwok"
  engines_record KWOK_STAGES "$dir/stages.yaml"
  engines_say "kwok $KWOK_VERSION: built in $(engines_since "$start") s"
}

case "${1:-all}" in
  kubernetes) k8s || failed=1 ;;
  etcd) etcd_engine || failed=1 ;;
  kwok) kwok_engine || failed=1 ;;
  *) etcd_engine || failed=1; k8s || failed=1; kwok_engine || failed=1 ;;
esac
exit "$failed"
