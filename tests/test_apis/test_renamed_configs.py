"""Issue 20 item 9: the demo/study/custom configs follow the naming scheme;
an old name gets the new one in its error, and study runs and reports made
under an old name still count as the renamed config."""
import json
import os.path as osp
import re

import pytest

from sumix_ext.apis.config import load_config
from sumix_ext.apis.renamed_configs import RENAMED_CONFIGS, current_config
from sumix_ext.evaluation.study import Arm
from sumix_ext.evaluation.study_regime import (RUN_RECORD, check_run_config,
                                               load_prior)
from tests.conftest import REPO

SCHEME = re.compile(r'^[a-z0-9-]+_[a-z0-9-]+_\d+xb\d+-\d+e_[a-z0-9-]+'
                    r'(_flip-tta)?\.py$')


@pytest.mark.parametrize('old,new', sorted(RENAMED_CONFIGS.items()))
def test_renamed_files_exist_follow_the_scheme_and_old_names_say_so(old,
                                                                    new):
    assert osp.isfile(osp.join(REPO, new)) and not osp.exists(
        osp.join(REPO, old))
    assert SCHEME.match(osp.basename(new)), new
    with pytest.raises(FileNotFoundError,
                       match='this config was renamed to .*' + re.escape(new)):
        load_config(osp.join(REPO, old))


def test_study_runs_and_reports_under_an_old_name_still_count(tmp_path):
    old = 'configs/fashion_mnist/study/resnet18-w16_fmnist-small-1k-100e_' \
        'study.py'
    new = RENAMED_CONFIGS[old]
    arm = Arm('cutmix', 'CutMix', ['model.sumix=None'])
    run = tmp_path / 'cutmix_seed0'
    run.mkdir()
    (run / RUN_RECORD).write_text(json.dumps(dict(
        regime=old, config=old, options=arm.options, seed=0)))
    assert current_config(check_run_config(str(run), new, arm)) == new
    oracle = Arm('oracle', 'oracle', [], config='w/configs/oracle_' +
                 osp.basename(new))
    (run / RUN_RECORD).write_text(json.dumps(dict(
        regime=old, config='w/configs/oracle_' + osp.basename(old),
        options=[], seed=0)))
    check_run_config(str(run), new, oracle)  # does not raise
    report = tmp_path / 'r.json'
    report.write_text(json.dumps(dict(config=old, arms={})))
    assert load_prior(str(report), new)['config'] == old
