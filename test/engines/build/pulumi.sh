#!/usr/bin/env bash
# Provides the real Pulumi engine for `npm run test:engines` and the bench stage pulumi-real:
#   pulumi                      the CLI, from the Go module github.com/pulumi/pulumi/pkg/v3 at PULUMI_VERSION
#   pulumi-language-nodejs      the Node.js language host (see below)
#   pulumi-resource-kubernetes  the Kubernetes provider, from github.com/pulumi/pulumi-kubernetes/provider/v4, served
#                               as plugin version PULUMI_KUBERNETES_VERSION (the version @pulumi/kubernetes asks for)
# into $ENGINES_CACHE/<name>-<version>/bin, and installs the provider where the engine looks for that version:
# $PULUMI_HOME/plugins/resource-kubernetes-v<version>/ (PULUMI_HOME defaults to ~/.pulumi). The suites run with
# PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, so a plugin that is not there fails fast instead of downloading.
# A `pulumi` already on PATH is used as is (users have one), with the language host beside it; so is a
# `pulumi-resource-kubernetes` on PATH.
#
# The Node.js language host: Pulumi's own (Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
# has no tags, only pseudo-versions, and the Go module proxy refuses it ("403 Forbidden: This module version is not
# available"). The host is therefore the project's own, test/engines/build/pulumi-language-nodejs.go, compiled against
# the published github.com/pulumi/pulumi/sdk/v3 at the CLI's version, and installed beside the CLI, where the engine
# looks first for a bundled language plugin.
#
# Run by test/engines/provide.sh (which exports the pinned versions, ENGINES_CACHE and ENGINES_ENV); also runs alone:
#   bash test/engines/build/pulumi.sh [all|cli|provider]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib.sh"
if [ -z "${PULUMI_VERSION:-}" ]; then set -a; . "$here/../versions.env"; set +a; fi
: "${ENGINES_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/cluster-estate/engines}"
: "${ENGINES_ENV:=/dev/null}"
export CGO_ENABLED=0
pulumi_home="${PULUMI_HOME:-$HOME/.pulumi}"
cli_dir="$ENGINES_CACHE/pulumi-$PULUMI_VERSION"
provider_dir="$ENGINES_CACHE/pulumi-resource-kubernetes-$PULUMI_KUBERNETES_VERSION"
failed=0

# --- CLI and language host ----------------------------------------------------------------------------------------
cli() {
  local start p have host_bin dir="$cli_dir"
  start=$(engines_now)
  p=$(engines_on_path pulumi)
  if [ -n "$p" ] && [ "$p" != "$dir/bin/pulumi" ]; then
    have=$("$p" version 2>/dev/null)
    engines_say "pulumi ${have:-?}: found on PATH ($p), used as is"
    engines_record PULUMI_BIN "$p"
    host_bin="$(dirname "$p")/pulumi-language-nodejs"
    if [ -x "$host_bin" ]; then
      engines_record PULUMI_LANGUAGE_NODEJS_BIN "$host_bin"
      return 0
    fi
    engines_say "no pulumi-language-nodejs beside it: building ours"
  elif [ -f "$dir/.complete" ]; then
    engines_record PULUMI_BIN "$dir/bin/pulumi"
    engines_say "pulumi v$PULUMI_VERSION: cache hit in $dir ($(engines_since "$start") s)"
  else
    engines_say "pulumi v$PULUMI_VERSION: building into $dir (the first build takes 5-15 minutes on 2 cores)"
    mkdir -p "$dir/src" "$dir/bin" || return 1
    (
      set -e
      cd "$dir/src"
      [ -f go.mod ] || go mod init local/cluster-estate-pulumi >/dev/null 2>&1
      # pkg/v3's go.mod also replaces atotto/clipboard with a fork, for Windows only; replaces of a dependency do not
      # apply to us, and on Linux the original is what the fork fixes nothing in.
      # Getting the main package (not only the module) adds its whole closure at the versions pkg/v3's go.mod asks for;
      # a `go mod tidy` here would instead resolve anything missing at its newest version.
      go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >/dev/null
      go build -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
        -o "$dir/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      mv "$dir/bin/pulumi.tmp" "$dir/bin/pulumi"
    ) || { engines_missing PULUMI "building github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION failed (see above)"; return 1; }
    touch "$dir/.complete"
    engines_record PULUMI_BIN "$dir/bin/pulumi"
    engines_say "pulumi v$PULUMI_VERSION: built in $(engines_since "$start") s"
  fi
  language_host
}

language_host() {
  local start sum dir="$cli_dir" src="$here/pulumi-language-nodejs.go"
  start=$(engines_now)
  sum=$(sha256sum "$src" | cut -d' ' -f1)
  if [ -x "$dir/bin/pulumi-language-nodejs" ] && [ "$(cat "$dir/bin/.language-host.sha256" 2>/dev/null)" = "$sum" ]; then
    engines_record PULUMI_LANGUAGE_NODEJS_BIN "$dir/bin/pulumi-language-nodejs"
    engines_say "pulumi-language-nodejs: cache hit ($(engines_since "$start") s)"
    return 0
  fi
  mkdir -p "$dir/host" "$dir/bin" || return 1
  (
    set -e
    cd "$dir/host"
    [ -f go.mod ] || go mod init local/cluster-estate-pulumi-language-nodejs >/dev/null 2>&1
    cp "$src" main.go
    go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >/dev/null
    # Every import is provided by sdk/v3's closure, so tidy only records it (and the checksums) at those versions.
    go mod tidy >/dev/null
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      -o "$dir/bin/pulumi-language-nodejs.tmp" .
    mv "$dir/bin/pulumi-language-nodejs.tmp" "$dir/bin/pulumi-language-nodejs"
  ) || { engines_missing PULUMI_LANGUAGE_NODEJS "building test/engines/build/pulumi-language-nodejs.go against sdk/v3@v$PULUMI_VERSION failed"; return 1; }
  echo "$sum" >"$dir/bin/.language-host.sha256"
  engines_record PULUMI_LANGUAGE_NODEJS_BIN "$dir/bin/pulumi-language-nodejs"
  engines_say "pulumi-language-nodejs: built in $(engines_since "$start") s"
}

# --- Kubernetes provider --------------------------------------------------------------------------------------------
provider() {
  local start p bin dir="$provider_dir" plugins="$pulumi_home/plugins/resource-kubernetes-v$PULUMI_KUBERNETES_VERSION"
  start=$(engines_now)
  p=$(engines_on_path pulumi-resource-kubernetes)
  if [ -n "$p" ]; then
    bin=$p
    engines_say "pulumi-resource-kubernetes: found on PATH ($p)"
  elif [ -f "$dir/.complete" ]; then
    bin="$dir/bin/pulumi-resource-kubernetes"
    engines_say "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION: cache hit in $dir ($(engines_since "$start") s)"
  else
    bin="$dir/bin/pulumi-resource-kubernetes"
    engines_say "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION: building module $PULUMI_KUBERNETES_PROVIDER_MODULE into $dir"
    mkdir -p "$dir/src" "$dir/bin" || return 1
    (
      set -e
      cd "$dir/src"
      [ -f go.mod ] || go mod init local/cluster-estate-pulumi-kubernetes >/dev/null 2>&1
      go get "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE" \
             "github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_SDK_MODULE" >/dev/null
      local moddir
      moddir=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
      # The provider's own main embeds schema-embed.json (schema.json with the version set) and
      # terraform-mapping-embed.json, generated at release time and absent from the module: generate both here and
      # serve them from our main, which calls the provider package's Serve.
      node -e '
        const fs = require("fs");
        const [dir, version] = process.argv.slice(1);
        const schema = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8"));
        schema.version = version;
        fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
        fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync(dir + "/terraform-mapping.json", "utf8"))));
      ' "$moddir/cmd/pulumi-resource-kubernetes" "$PULUMI_KUBERNETES_VERSION"
      cat >main.go <<'EOF'
// The Kubernetes provider plugin: the published provider package served with its generated schema.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
EOF
      go mod tidy >/dev/null
      go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
        -o "$bin.tmp" .
      mv "$bin.tmp" "$bin"
    ) || { engines_missing PULUMI_RESOURCE_KUBERNETES "building github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE failed (see above)"; return 1; }
    touch "$dir/.complete"
    engines_say "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION: built in $(engines_since "$start") s"
  fi
  mkdir -p "$plugins" && rm -rf "$plugins.partial"
  if ! cmp -s "$bin" "$plugins/pulumi-resource-kubernetes"; then
    cp "$bin" "$plugins/pulumi-resource-kubernetes.tmp" && mv "$plugins/pulumi-resource-kubernetes.tmp" "$plugins/pulumi-resource-kubernetes"
  fi
  engines_record PULUMI_RESOURCE_KUBERNETES_BIN "$bin"
  engines_say "pulumi-resource-kubernetes: installed in $plugins"
}

case "${1:-all}" in
  cli) cli || failed=1 ;;
  provider) provider || failed=1 ;;
  *) cli || failed=1; provider || failed=1 ;;
esac
exit "$failed"
