"""Render the README's and the docs' marked sections from the result files
under ``docs/results/`` (or, with ``--check``, only say which differ).

A marked section is ``<!-- render: KIND FILE ... -->`` ... ``<!-- /render
-->``; its text is generated, never edited by hand
(:mod:`sumix_ext.evaluation.doc_render` lists the kinds and placeholders).

Example:
    python tools/misc/render_docs.py            # rewrite every section
    python tools/misc/render_docs.py --check    # exit 1 if one differs
    python tools/misc/render_docs.py README.md docs/study.md
"""
import argparse
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Render the docs\' marked sections from docs/results/')
    parser.add_argument('docs', nargs='*',
                        help='Markdown files, repository-relative (default: '
                        'README.md and docs/**/*.md)')
    parser.add_argument('--check', action='store_true',
                        help='write nothing; list each section that differs '
                        'from its file and exit 1 if any does')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from sumix_ext.evaluation.doc_render import render_files
    docs = [osp.relpath(osp.abspath(d), REPO) for d in args.docs] or None
    changed, problems = render_files(REPO, docs, check=args.check)
    for line in problems:
        print(line, file=sys.stderr)
    if args.check:
        if problems:
            print(f'error: {len(problems)} rendered section(s) differ from '
                  'their result files; run python tools/misc/render_docs.py',
                  file=sys.stderr)
            sys.exit(1)
        print('every rendered section agrees with its result file')
        return 0
    for doc in changed:
        print(f'rendered {doc}')
    if problems:
        sys.exit(2)
    return 0


if __name__ == '__main__':
    main()
