"""Training-step cost of SUMix: median full step (forward, backward,
optimizer) of the variants measured in one process, plus the SUMix loss and
each mixer alone.

Variants (all ResNet-18 CIFAR, built through the registry, stepped with
``model.train_step(data, optim_wrapper)`` on a batch dict with uint8
``inputs`` and ``DataSample`` labels, so data preprocessing is included
equally):

* (a) stock mmpretrain ``ImageClassifier`` + ``LinearClsHead`` with its own
  CutMix batch augment (``train_cfg=dict(augments=dict(type='CutMix',
  alpha=0.2))``, soft-label CE);
* (b) our ``MixupClassifier`` + ``BatchCutMix`` (plain mixup CE);
* (c) (b) + ``SUMixLoss`` (faithful: clean forward and backward);
* (d) (b) + ``MixupClassifier(clean_pass='no_grad')`` (fast variant);
* (e) (d) with the CAM share (``ratio='cam'``: the clean feature maps);
* (f) (b) + SUMix with the model-free saliency share and no regulariser
  (``ratio='saliency', gamma=0``): the classifier skips the clean batch,
  one backbone pass per step;
* (g) (b) with the network compiled (``compile=True`` in a config compiles
  backbone, neck and head; the mixer and loss stay eager). Compilation
  happens in the warm-up steps; use ``--warmup 3`` or more. Not in the
  default set (compiling takes minutes on a CPU): ``--variants b g``.
* (h) (b) with ``BatchSnapMix`` (labels from the clean batch's class
  activation maps: one extra no-grad forward);
* (gs) / (ga) (b) with ``BatchGuidedMix`` (GuidedMixup, every batch
  mixed): Guided-SR (spectral-residual saliency, greedy pairing; no model)
  and Guided-AP (the input gradient of one more clean forward/backward);
  gs/b and ga/b are their costs over the CutMix step;
* (mm) / (al) (b) with ``BatchManifoldMix`` (Mixup of a drawn stage's
  input by a one-pass forward hook) and ``BatchAlignMix`` (Sinkhorn
  alignment of the last feature maps on half of the steps, drawn, an
  input Mixup on the others: time it over many repeats); mm/b and al/b;
* (dm) (b) with the DecoupleMix loss (``model.mix_loss``); dm/b;
* (pz) (b) with ``BatchPuzzleMix`` (the CIFAR-100 config's settings: an
  eval-mode clean forward and input backward for the saliency, the graph
  cut solved per sample on the CPU by gco, the block transport); pz/b,
  e.g. ``--variants b pz``;
* (v) / (t) a ViT (mmpretrain's ``deit-tiny`` arch, an 8x8 token grid) with
  ``BatchCutMix`` (v) and with ``BatchTransMix`` (t: the same boxes
  labelled by the class token's attention, read by a hook in the one
  forward); t/v is TransMix's cost over its own mixer's step.
* (mx) / (am) / (sa) (b) with ``BatchMixup`` (alpha 1), the step AutoMix
  is compared with, and ``AutoMixClassifier`` with the CIFAR-100 configs'
  AutoMix (am) and SAMix (sa) settings; am/mx and sa/mx;
* (vx) / (va) / (vs) the same three on the (v) ViT: Mixup, and AutoMix /
  SAMix with the DeiT-S configs' settings (the Mix Block on layer 6's token
  map); va/vx and vs/vx (OpenMixup's own ratios are on DeiT-S);
* (p1) / (p2) reference floor, no mmengine/mmpretrain code in the step: the
  same ResNet-18 (backbone + average pool + linear) stepped by a bare
  PyTorch loop with a CutMix box and mixup CE, once on the mixed batch (p1)
  or on the mixed and the clean batch with one summed backward (p2). p2/p1
  is what two full passes cost on this machine, the floor under (c)/(b).

Timing: warm-up steps, then ``--repeats`` rounds; each round steps every
variant once, in turn (round-robin), so machine noise hits all alike; the
median per variant is reported. On CUDA each step is bracketed by
``torch.cuda.synchronize()``.

Peak memory: each variant runs a few steps in a fresh subprocess. CPU: the
peak resident set during the steps (``VmHWM``, reset right before them via
``/proc/self/clear_refs``) minus the resident set before them, i.e. the extra
memory the training step needs (activations, gradients, optimizer state,
allocator caches). CUDA: ``torch.cuda.max_memory_allocated()``.

Targets (issue #7): (b)/(a) throughput >= 0.98 (time ratio <= 1/0.98),
(c)/(b) time <= 2.05, (d)/(b) time <= 1.35, SUMix loss <= 1 % of (b);
issue #18: (f)/(b) <= 1.05 (the one-pass saliency form).

Examples::

    OMP_NUM_THREADS=1 python tools/analysis_tools/benchmark_step.py
    python tools/analysis_tools/benchmark_step.py --dtype bf16 --repeats 5
    python tools/analysis_tools/benchmark_step.py --device cuda --out b.json
"""
import argparse
import json
import os
import os.path as osp
import sys

import torch

from sumix_ext.benchmark.step import (CLOCKS, VARIANTS,  # noqa: F401
                                      BareStep, bench_memory, bench_mixers,
                                      bench_steps, bench_sumix_loss,
                                      build_variant, make_batch, markdown,
                                      memory_child, model_cfg, set_clock,
                                      summarise)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Median training-step time of stock mmpretrain, plain '
        'CutMix, CutMix + SUMix and CutMix + fast SUMix')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--dtype', default='fp32',
                        choices=['fp32', 'bf16', 'fp16'],
                        help='bf16: autocast (CPU: CPUBf16OptimWrapper, '
                        "CUDA: AmpOptimWrapper(dtype='bfloat16')); fp16: "
                        'CUDA AMP with loss scaling (GPU only)')
    parser.add_argument('--arch', default='resnet18-cifar',
                        choices=['resnet18-cifar', 'resnet50'],
                        help='resnet50: ImageNet ResNet-50 (use --img-size '
                        '224 --batch-size 64 --num-classes 1000)')
    parser.add_argument('--batch-size', type=int, default=100)
    parser.add_argument('--num-classes', type=int, default=100)
    parser.add_argument('--img-size', type=int, default=32)
    parser.add_argument('--width', type=int, default=64,
                        help='ResNet-18 stem/base channels (64 = standard)')
    parser.add_argument('--repeats', type=int, default=10,
                        help='timed round-robin rounds')
    parser.add_argument('--warmup', type=int, default=2,
                        help='untimed steps per variant first')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch.set_num_threads (default: torch default)')
    parser.add_argument('--variants', nargs='+',
                        default=[v for v in VARIANTS if v != 'g'],
                        choices=list(VARIANTS))
    parser.add_argument('--memory-steps', type=int, default=2,
                        help='steps per fresh subprocess for peak memory '
                        '(0: skip memory)')
    parser.add_argument('--component-repeats', type=int, default=20,
                        help='timed calls of the SUMix loss / each mixer')
    parser.add_argument(
        '--clock', default='wall', choices=list(CLOCKS),
        help="'process': CPU time of this process instead of wall time "
        '(CPU only; robust to other jobs on a shared machine)')
    parser.add_argument('--out', help='write all numbers to this JSON file')
    parser.add_argument('--memory-child', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.device == 'cuda' and not torch.cuda.is_available():
        parser.error('--device cuda: no CUDA device here; use --device cpu')
    if args.dtype == 'fp16' and args.device != 'cuda':
        parser.error('--dtype fp16 is GPU AMP; on a CPU use --dtype bf16')
    for name in ('batch_size', 'num_classes', 'img_size', 'width',
                 'repeats'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.clock == 'process' and args.device == 'cuda':
        parser.error("--clock process measures CPU time; use --clock wall "
                     'with --device cuda')
    if args.batch_size < 2:
        parser.error('--batch-size must be >= 2 (mixing needs a partner)')
    return args


def main(argv=None) -> dict:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    set_clock(args.clock)
    if args.memory_child:
        print(json.dumps(memory_child(args)))
        return {}
    times = bench_steps(args)
    loss_s = bench_sumix_loss(args)
    mixers = bench_mixers(args)
    memory = bench_memory(args, argv,
                          'sumix_ext.commands.benchmark_step') \
        if args.memory_steps > 0 else None
    res = summarise(args, times, memory, loss_s, mixers)
    print(markdown(res))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(res, f, indent=1)
    return res


if __name__ == '__main__':
    main()
