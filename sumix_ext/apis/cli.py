"""Command-line helpers shared by every tool."""
import argparse


class DictActionLazy(argparse.Action):
    """mmengine's ``DictAction`` for ``--cfg-options`` (imported lazily to
    keep ``--help`` fast)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from mmengine.config import DictAction
        DictAction(self.option_strings, self.dest)(parser, namespace, values,
                                                   option_string)
