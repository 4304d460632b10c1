#!/usr/bin/env bash
# Installs a real VS Code for the extension tests: code-server 4.96.4 (= VS Code 1.96.4), from the
# npm registry and Debian's packages only. Idempotent: a finished install is cached in
# .cache/code-server/ (git-ignored) and this script returns at once when it is there.
# See ../shared/docs/vscode-testing.md for why each step is needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.96.4
DIR="$PWD/.cache/code-server"
CS="$DIR/node_modules/code-server"
STAMP="$DIR/.installed-$VERSION"
[ -f "$STAMP" ] && { echo "code-server $VERSION: cached in $DIR"; exit 0; }

apt_packages="chromium ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config"
missing=""
for p in $apt_packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "apt-get install:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

export npm_config_unsafe_perm=true
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"fastify-lens-vscode-harness","private":true}' > package.json
npm install "code-server@$VERSION" playwright-core@1 --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild argon2 --build-from-source --loglevel=error

cd "$CS/lib/vscode"
# The shrinkwrap pins @vscode/proxy-agent to a git URL; the same version is on the registry.
node -e '
  const fs = require("fs"); const f = "npm-shrinkwrap.json"; const j = JSON.parse(fs.readFileSync(f, "utf8"));
  const e = j.packages["node_modules/@vscode/proxy-agent"];
  if (e && !String(e.resolved).startsWith("https://registry.npmjs.org/")) {
    e.resolved = "https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-" + e.version + ".tgz"; delete e.integrity;
    fs.writeFileSync(f, JSON.stringify(j, null, 2));
  }'
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild kerberos node-pty @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
touch "$STAMP"
echo "code-server $VERSION: installed in $DIR"
