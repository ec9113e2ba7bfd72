"""Registered data transforms (mmpretrain's own are used wherever they
exist)."""
from .backgrounds import EVAL_BACKGROUNDS, TRAIN_BACKGROUNDS, load_background
from .paste_on_background import PasteOnBackground, composite

__all__ = ['EVAL_BACKGROUNDS', 'PasteOnBackground', 'TRAIN_BACKGROUNDS',
           'composite', 'load_background']
