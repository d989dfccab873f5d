#!/usr/bin/env bash
# The main job, end to end on the shipped catalog: lint it, publish it to a static registry, serve
# that registry over HTTP on 127.0.0.1, install backend-developer and its related skills into a
# scratch project for Claude Code and Codex, then show the installed tree and the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

if [ ! -x .venv/bin/skillreg ]; then
  echo "== creating .venv and installing skillreg"
  python3 -m venv .venv
  .venv/bin/pip install -q -e .
fi
# skillreg, not skill: the name cannot resolve to procps' /usr/bin/skill.
skill="$repo/.venv/bin/skillreg"
python="$repo/.venv/bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/skillreg-demo.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# The demo never touches the user's own config or caches.
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config"
mkdir -p "$HOME"
unset SKILL_REGISTRY

echo "== skill lint --strict registry/"
"$skill" lint --strict registry/

echo "== skill publish registry/ --to $work/site"
"$skill" publish registry/ --to "$work/site"
"$skill" registry verify "$work/site"

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m http.server --bind 127.0.0.1 --directory "$work/site" "$port" >"$work/http.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 50); do
  "$python" -c "import urllib.request; urllib.request.urlopen('$url/registry.json')" 2>/dev/null && break
  sleep 0.1
done
echo "== serving the registry at $url"

mkdir -p "$work/project"
cd "$work/project"
echo "== skill install backend-developer --with-related --agent claude-code --agent codex --registry $url"
"$skill" install backend-developer --with-related --agent claude-code --agent codex --registry "$url"

echo "== installed tree"
find . -path ./skills.lock -prune -o -print | sort
echo "== skills.lock"
cat skills.lock
echo "== skill list"
"$skill" list
