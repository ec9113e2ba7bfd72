# Runtime shared by every config (mmpretrain's default_runtime + sumix_ext).
custom_imports = dict(imports=['sumix_ext'], allow_failed_imports=False)
default_scope = 'mmpretrain'
# crash-safe checkpoints (write .tmp, fsync, rename) and robust auto-resume
runner_type = 'SUMixRunner'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
)

# RNGStateHook: exact --resume (python/numpy/torch RNGs in the checkpoint).
# SanityCheckHook: config/data mismatches as one-line errors before training.
custom_hooks = [
    dict(type='RNGStateHook'),
    dict(type='SanityCheckHook'),
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # switched to gloo on CPU-only machines
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_processor = dict(by_epoch=True, window_size=10)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
