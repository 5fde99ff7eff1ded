#!/usr/bin/env bash
# The project's local Label Studio server: install | start | stop | status.
# Label Studio 1.23.x lives in .venv-labelstudio; data (sqlite, media, credentials.json) in .labelstudio-data
# (gitignored). It listens on 127.0.0.1 only (port 8089 or $SAMESTORY_LS_PORT), makes no calls home, and
# has a preset admin and legacy API token ($SAMESTORY_LS_USERNAME / _PASSWORD / _TOKEN, else generated
# once and kept in .labelstudio-data/credentials.json). The logic lives in samestory.annotate.labelstudio.server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  echo "error: .venv is missing; run \`make install\` first" >&2
  exit 1
fi
if [ $# -lt 1 ]; then
  echo "usage: scripts/labelstudio.sh install|start|stop|status [--port N] [--data-dir DIR]" >&2
  exit 2
fi
# this checkout's code (a shared or linked .venv may have another checkout installed)
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
exec .venv/bin/python -m samestory.annotate.labelstudio.server "$@"
