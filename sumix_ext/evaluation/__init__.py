"""Library code behind ``tools/analysis_tools`` and ``tools/visualization``:
calibration (ECE, reliability bins), occlusion masks, Grad-CAM, MMEngine log
reading (median of the last k results), the ``work_dirs`` summary, the
ratio fidelity, the study runner and the ``ECE`` metric (registered in
mmpretrain's ``METRICS``)."""
from .calibration import ReliabilityBins, reliability_bins
from .ece_metric import ECE
from .grad_cam import GradCAM
from .inference import (CheckpointSet, build_test_loader, checkpoint_labels,
                        default_device,
                        init_classifier, iter_batches, load_eval_config,
                        pixel_to_input)
from .occlusion import OCCLUSION_MODES, occlude, occlusion_mask
from .results_summary import (GroupResult, RunResult, collect_runs,
                              group_runs, mixer_from_name, mixer_label,
                              paper_tables, runs_table, summarize_run)
from .run_logs import (VAL_TOP1, find_json_logs, load_records,
                       median_of_last, split_records)

__all__ = [
    'ECE', 'ReliabilityBins', 'reliability_bins', 'GradCAM',
    'CheckpointSet', 'build_test_loader',
    'checkpoint_labels', 'default_device', 'init_classifier', 'iter_batches',
    'load_eval_config', 'pixel_to_input',
    'OCCLUSION_MODES', 'occlude', 'occlusion_mask', 'GroupResult',
    'RunResult', 'collect_runs', 'group_runs', 'mixer_from_name',
    'mixer_label', 'paper_tables', 'runs_table', 'summarize_run', 'VAL_TOP1',
    'find_json_logs', 'load_records', 'median_of_last', 'split_records'
]
