r"""Training procedures of the methods that put the model in the loop.

Most mixers only need the images: the classifier mixes, forwards the mix
and trains with the mixed-label cross-entropy (or SUMix). A method that
needs the model to *mix* (PuzzleMix: input gradients; ManifoldMix, AlignMix:
hidden states) or to *label* (SnapMix: class activation maps; TransMix:
attention) names its training procedure instead, in one class attribute of
its mixer::

    @BATCH_AUGMENTS.register_module()
    class BatchSnapMix(BaseMixer):
        procedure = 'snapmix'

and the procedure is one registered function of the classifier, the clean
batch, its samples and labels, returning the loss dict of
``MixupClassifier.loss`` (:data:`MIX_PROCEDURES`, :func:`register_procedure`).
``MixupClassifier.loss`` has one branch for all of them
(:func:`procedure_of`); the build-time checks (the backbone and head a
method needs; whether it combines with SUMix) live beside each procedure.

A procedure says how it meets SUMix (``with_sumix``):

* ``'mixer'``: with SUMix on, the method's mixer mixes as a plain
  mask-based mixer and SUMix labels the mix (SnapMix, TransMix: their own
  label rule is what SUMix replaces);
* ``'refuse'``: the mix itself needs the model (hidden states, input
  gradients): SUMix's clean/mixed pair is not defined there, so the
  combination stops at build with one line saying why.
"""
from dataclasses import dataclass
from typing import Callable, Dict, Optional

#: name -> :class:`MixProcedure`
MIX_PROCEDURES: Dict[str, 'MixProcedure'] = {}
WITH_SUMIX = ('mixer', 'refuse')


@dataclass(frozen=True)
class MixProcedure:
    """A registered training procedure.

    Attributes:
        name (str): What a mixer's ``procedure`` attribute names.
        train (callable): ``train(model, inputs, data_samples, target) ->
            dict`` with ``loss`` and logged scalars.
        with_sumix (str): ``'mixer'`` or ``'refuse'`` (see the module).
        check (callable, optional): ``check(model)`` at build: raises
            ``ValueError`` naming the fix when the backbone or head cannot
            run the method.
        label_ratios (callable, optional): ``label_ratios(model, x, y,
            mixed) -> {name: (N,) share of x_a}`` for the ratio fidelity
            tool (methods whose label reads the model).
        sumix_reason (str): With ``'refuse'``: why, for the error line.
        uses_mix_loss (bool): Whether it trains with the mixed-label loss
            (``mixed_label_loss``, so ``model.mix_loss`` such as DecoupleMix
            applies); False for a label rule of its own (SnapMix).
        mix (callable, optional): ``mix(model, mixer, x, y) ->
            MixOutput``: the method's mix of a clean batch outside
            training by ``mixer`` with ``model``'s help, for the
            analysis tools (ratio fidelity, gallery), where the mix itself
            needs the model (PuzzleMix: input gradients); None:
            ``model.mixer(x)`` (:func:`mix_batch`).
    """
    name: str
    train: Callable
    with_sumix: str = 'refuse'
    check: Optional[Callable] = None
    label_ratios: Optional[Callable] = None
    sumix_reason: str = ''
    uses_mix_loss: bool = True
    mix: Optional[Callable] = None


def register_procedure(name: str, with_sumix: str = 'refuse',
                       check: Optional[Callable] = None,
                       label_ratios: Optional[Callable] = None,
                       sumix_reason: str = '',
                       uses_mix_loss: bool = True,
                       mix: Optional[Callable] = None) -> Callable:
    """Decorator registering ``train`` as procedure ``name``."""
    if with_sumix not in WITH_SUMIX:
        raise ValueError(f'with_sumix must be one of {WITH_SUMIX}, got '
                         f'{with_sumix!r}')

    def wrap(train: Callable) -> Callable:
        if name in MIX_PROCEDURES:
            raise KeyError(f'procedure {name!r} is already registered')
        MIX_PROCEDURES[name] = MixProcedure(name, train, with_sumix, check,
                                            label_ratios, sumix_reason,
                                            uses_mix_loss, mix)
        return train

    return wrap


def procedure_of(mixer) -> Optional[MixProcedure]:
    """The procedure ``mixer`` names (its ``procedure`` attribute), or None
    for a mixer that needs only the images."""
    name = getattr(mixer, 'procedure', None)
    if name is None:
        return None
    if name not in MIX_PROCEDURES:
        raise KeyError(f'{type(mixer).__name__}.procedure = {name!r} names '
                       f'no registered procedure; known: '
                       f'{sorted(MIX_PROCEDURES)}')
    return MIX_PROCEDURES[name]


def mix_batch(model, mixer, x, y):
    """The mix of a clean batch as its method makes it, for the analysis
    tools: the procedure's ``mix(model, mixer, x, y)`` where the mix
    needs the model, else ``mixer(x)``."""
    proc = procedure_of(mixer)
    if proc is None or proc.mix is None:
        return mixer(x)
    if model is None:
        raise ValueError(f'{type(mixer).__name__} mixes with the model '
                         '(its training procedure); give a checkpoint')
    return proc.mix(model, mixer, x, y)


def active_procedure(model) -> Optional[MixProcedure]:
    """The procedure ``model.loss`` runs: the mixer's, unless SUMix is on
    and the procedure lets SUMix label a plain mix (``'mixer'``)."""
    proc = procedure_of(model.mixer)
    if proc is None or (model.sumix is not None
                        and proc.with_sumix == 'mixer'):
        return None
    return proc


def check_procedure(model) -> None:
    """Build-time checks of ``model.mixer``'s procedure: refuse SUMix where
    it cannot combine, refuse a procedure mixer inside ``RandomMixer``, and
    run the procedure's own backbone/head check."""
    for inner in getattr(model.mixer, 'mixers', None) or []:
        if procedure_of(inner) is not None:
            raise ValueError(
                f'RandomMixer: {type(inner).__name__} uses the model to mix '
                'or label (a training procedure of its own) and cannot be '
                "one of RandomMixer's mixers; use it as model.mixer alone")
    proc = procedure_of(model.mixer)
    if proc is None:
        return
    name = type(model.mixer).__name__
    if model.sumix is not None and proc.with_sumix == 'refuse':
        raise ValueError(
            f'MixupClassifier: {name} does not combine with SUMix '
            f'({proc.sumix_reason}); set model.sumix=None, or use SUMix '
            'with an image mixer (BatchCutMix, BatchFMix, ...)')
    if active_procedure(model) is not None and proc.check is not None:
        proc.check(model)


def _register_all() -> None:
    """Import every module of this package: each registers its
    procedure (a new method is one new file here, nothing else)."""
    import importlib
    import pkgutil
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f'{__name__}.{info.name}')


_register_all()

__all__ = ['MIX_PROCEDURES', 'MixProcedure', 'register_procedure',
           'procedure_of', 'active_procedure', 'check_procedure',
           'mix_batch']
