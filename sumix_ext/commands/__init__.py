"""The command-line programs behind ``tools/``: one module per tool, each
with ``parse_args(argv)`` and ``main(argv)``.

``tools/<folder>/<name>.py`` only puts the repository on ``sys.path`` and
calls :func:`sumix_ext.commands.<name>.main`; tests import these modules.
A command parses arguments (shared groups in :mod:`sumix_ext.apis.cli`),
wires package code together and writes the outputs; the work itself lives
in the package (``apis`` for training and testing, ``evaluation`` for the
analyses, ``benchmark`` for timing, ``models`` for mixers and losses).

======================  =====================================================
tool                    command module
======================  =====================================================
train, test             :mod:`.train`, :mod:`.test`
analysis_tools/*        :mod:`.calibration`, :mod:`.occlusion_robustness`,
                        :mod:`.ratio_fidelity`, :mod:`.sumix_study`,
                        :mod:`.summarize_results`, :mod:`.plot_curves`,
                        :mod:`.benchmark_step`, :mod:`.benchmark_mixers`,
                        :mod:`.benchmark_pipeline`
visualization/*         :mod:`.vis_mix`, :mod:`.vis_cam`
misc/*                  :mod:`.print_config`, :mod:`.amp_speedup`,
                        :mod:`.check_loss_falls`
======================  =====================================================

Modules are imported on demand (``import sumix_ext`` does not load them).
"""
