#!/usr/bin/env bash
# One prepared GPU check (make gpu-check), meant to finish in < 8 minutes on
# one GPU from a fresh clone with the venv built (docs/benchmarks.md, "GPU"):
#  (a) the tests marked `cuda` (every mixer on CUDA, SUMix loss, a train step
#      in fp32 / fp16 AMP / bf16 AMP, GPU -> CPU -> GPU resume, 1-process
#      torchrun with nccl);
#  (b) the README demo config for ~300 iterations on the GPU with --amp, and
#      a check that the training loss falls;
#  (c) benchmark_step.py --device cuda, fp32 and fp16 AMP, at the issue
#      setting (ResNet-18 CIFAR, batch 100) and at ImageNet shape (ResNet-50,
#      224 px, batch 64): JSON + markdown with the card's name;
#  (d) compile=True vs eager (benchmark_step.py variants b and g: the plain
#      CutMix + SUMix step with and without the compiled network), fp32.
# Everything lands in $OUT (default work_dirs/gpu_check).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
OUT=${OUT:-work_dirs/gpu_check}
FMNIST=${FMNIST:-/usr/share/datasets/fashion-mnist}
mkdir -p "$OUT"
# no usable GPU (or no venv): one `error:` line on stderr, exit 1, no
# traceback (tests/test_tools/test_gpu_check.py)
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "error: make gpu-check needs the project's python, but PY=$PY is" \
    "not there; run make setup first (or set PY=/path/to/python)" >&2
  exit 1
fi
"$PY" - >"$OUT/gpu.txt" <<'PYEOF' || exit 1
import sys
import warnings

try:
    import torch
except Exception as exc:  # a broken venv: say so in one line
    sys.exit(f'error: make gpu-check cannot import torch ({type(exc).__name__}'
             f': {str(exc).strip().splitlines()[0] if str(exc).strip() else ""}'
             '); run make setup')
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')  # CUDA init problems come as warnings
    why = None
    if not torch.cuda.is_available():
        why = 'torch.cuda.is_available() is False on this machine'
    else:
        try:  # a driver or architecture mismatch shows only here
            torch.zeros(1, device='cuda').add_(1).item()
        except Exception as exc:
            line = (str(exc).strip().splitlines() or [''])[0][:200]
            why = (f'torch.cuda.is_available() is True but a tensor on '
                   f'cuda:0 fails: {type(exc).__name__}: {line}')
if why:
    notes = [str(w.message).strip().splitlines()[0][:200] for w in caught
             if str(w.message).strip()]
    build = torch.version.cuda or 'none (a CPU-only build)'
    sys.exit(f'error: make gpu-check needs a usable CUDA GPU ({why}: torch '
             f'{torch.__version__}, CUDA build {build}'
             + (f'; torch says: {notes[0]}' if notes else '')
             + '); run it on a GPU machine')
print(torch.cuda.get_device_name(0), torch.__version__, torch.version.cuda)
PYEOF
cat "$OUT/gpu.txt"

echo "== (a) tests marked cuda"
"$PY" -m pytest tests -m cuda -q -p no:cacheprovider 2>&1 | tee "$OUT/pytest_cuda.txt"

echo "== (b) demo config, ~300 iterations, --amp"
if [ ! -f "$FMNIST/train-images-idx3-ubyte.gz" ]; then
  FMNIST="$OUT/fmnist_synthetic"   # learnable synthetic stand-in
  "$PY" -c "from tests.conftest import make_fashion_mnist as m; \
m('$FMNIST', n_train=19200, n_test=2000)"
fi
"$PY" tools/train.py configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py \
  --amp --work-dir "$OUT/demo" --cfg-options \
  train_dataloader.dataset.data_root="$FMNIST" \
  val_dataloader.dataset.data_root="$FMNIST" \
  test_dataloader.dataset.data_root="$FMNIST" \
  train_dataloader.dataset.indices=19200 train_cfg.max_epochs=1 \
  param_scheduler.0.T_max=1 default_hooks.logger.interval=10 \
  2>&1 | tail -n 5
"$PY" tools/misc/check_loss_falls.py "$OUT/demo" --first 5 --last 5 \
  | tee "$OUT/demo_loss.txt"

echo "== (c) step benchmarks on the GPU"
for dtype in fp32 fp16; do
  "$PY" tools/analysis_tools/benchmark_step.py --device cuda --dtype $dtype \
    --batch-size 100 --num-classes 100 --img-size 32 --repeats 10 --warmup 3 \
    --out "$OUT/bench_cifar_$dtype.json" | tee "$OUT/bench_cifar_$dtype.md"
  "$PY" tools/analysis_tools/benchmark_step.py --device cuda --dtype $dtype \
    --arch resnet50 --batch-size 64 --num-classes 1000 --img-size 224 \
    --repeats 10 --warmup 3 --out "$OUT/bench_in1k_$dtype.json" \
    | tee "$OUT/bench_in1k_$dtype.md"
done
"$PY" tools/misc/amp_speedup.py "$OUT"/bench_cifar_fp32.json "$OUT"/bench_cifar_fp16.json \
  "$OUT"/bench_in1k_fp32.json "$OUT"/bench_in1k_fp16.json | tee "$OUT/amp_speedup.md"
echo "== (d) compile=True vs eager, same run"
"$PY" tools/analysis_tools/benchmark_step.py --device cuda --variants b g \
  --batch-size 100 --num-classes 100 --img-size 32 --repeats 10 --warmup 5 \
  --out "$OUT/bench_compile.json" | tee "$OUT/bench_compile.md"
echo "GPU check done: $OUT"
