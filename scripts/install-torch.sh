#!/usr/bin/env bash
# Install PyTorch into the given Python environment without pulling GPU wheels onto a machine with no GPU.
#   - a machine with an NVIDIA GPU gets the default (CUDA) build from PyPI;
#   - otherwise a CPU build: a local wheel when pip can see one (find-links), else PyTorch's CPU index.
# Usage: scripts/install-torch.sh PYTHON [VERSION]
set -euo pipefail
python=${1:?usage: install-torch.sh PYTHON [VERSION]}
version=${2:-${TORCH_VERSION:-2.13.0}}
cpu_index=${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}

if "$python" -c "import torch" 2>/dev/null; then
    echo "torch $("$python" -c 'import torch; print(torch.__version__)') already installed"
    exit 0
fi
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    echo "NVIDIA GPU found: installing torch==$version with CUDA from PyPI"
    exec "$python" -m pip install "torch==$version"
fi
if "$python" -m pip install --dry-run --no-index --no-deps "torch==$version" >/dev/null 2>&1; then
    echo "no GPU: installing the local CPU build of torch==$version"
    exec "$python" -m pip install "torch==$version"
fi
echo "no GPU: installing torch==$version from PyTorch's CPU index"
exec "$python" -m pip install "torch==$version" --index-url "$cpu_index" --extra-index-url https://pypi.org/simple
