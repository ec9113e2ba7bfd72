"""The one entry for methods that put the model in the loop: a mixer names
its training procedure, the classifier runs it; SUMix combines or is
refused at build as the procedure says; SnapMix and TransMix run on it."""
import pytest
import torch

from sumix_ext.models.classifiers.procedures import (MIX_PROCEDURES,
                                                     active_procedure,
                                                     procedure_of,
                                                     register_procedure)
from sumix_ext.models.mixers import BatchCutMix
from tests.conftest import build_tiny_classifier
from tests.test_models.test_classifiers.test_fast_sumix import batch


class _Probe(BatchCutMix):
    procedure = '_test_probe'


@pytest.fixture
def probe_procedure():
    calls = []

    def train(model, inputs, data_samples, target):
        calls.append((model, inputs.shape, target.tolist()))
        return dict(loss=model.head(model.extract_feat(inputs)).sum() * 0.)

    register_procedure('_test_probe', with_sumix='refuse',
                       sumix_reason='the probe mixes inside the model')(
                           train)
    yield calls
    MIX_PROCEDURES.pop('_test_probe')


def test_the_classifier_runs_the_mixers_procedure(probe_procedure):
    model = build_tiny_classifier(sumix=None, mixer=dict(type='BatchCutMix'))
    model.mixer = _Probe()
    x, samples = batch(n=4)
    out = model.loss(x, samples)
    assert set(out) == {'loss'}
    (who, shape, target), = probe_procedure
    assert who is model and shape == x.shape and target == [0, 1, 2, 3]


def test_a_refusing_procedure_stops_sumix_at_build(probe_procedure,
                                                   monkeypatch):
    from mmpretrain.registry import BATCH_AUGMENTS
    monkeypatch.setitem(BATCH_AUGMENTS._module_dict, '_Probe', _Probe)
    with pytest.raises(ValueError, match=r'_Probe does not combine with '
                       r'SUMix \(the probe mixes inside the model\); set '
                       r'model.sumix=None'):
        build_tiny_classifier(sumix=True, mixer=dict(type='_Probe'))


def test_snapmix_and_transmix_are_procedures_sumix_labels_their_mix():
    snap = build_tiny_classifier(sumix=None,
                                 mixer=dict(type='BatchSnapMix'))
    assert procedure_of(snap.mixer).name == 'snapmix'
    assert active_procedure(snap).name == 'snapmix'
    # with SUMix on, SnapMix mixes as a plain mask mixer: SUMix labels it
    both = build_tiny_classifier(sumix=True, mixer=dict(type='BatchSnapMix'))
    assert active_procedure(both) is None
    assert MIX_PROCEDURES['transmix'].with_sumix == 'mixer'
    assert procedure_of(BatchCutMix()) is None


def test_a_procedure_mixer_inside_random_mixer_is_refused():
    with pytest.raises(ValueError, match="cannot be one of RandomMixer's"):
        build_tiny_classifier(sumix=None, mixer=dict(
            type='RandomMixer', mixers=[dict(type='BatchSnapMix'),
                                        dict(type='BatchCutMix')],
            probs=[0.5, 0.5]))


def test_an_unknown_procedure_name_is_one_line():
    class Bad(BatchCutMix):
        procedure = 'nope'
    with pytest.raises(KeyError, match="names no registered procedure"):
        procedure_of(Bad())
