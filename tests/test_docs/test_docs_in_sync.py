"""Numbers that cannot drift (issue #38): every marked section of the
README and the docs is what ``tools/misc/render_docs.py`` renders from its
file under ``docs/results/``; a hand-edited number, or a result file updated
without re-rendering, fails here."""
import json
import os
import os.path as osp
import re
import shutil

import pytest

from sumix_ext.evaluation import doc_render
from sumix_ext.evaluation.doc_render import (RenderError, check_text,
                                             render_files, render_text,
                                             sections)
from tests.conftest import REPO

STUDY = 'docs/results/sumix_study_clutter_800e.json'
FIX = ('Run python tools/misc/render_docs.py after a result file changes; '
       'never edit a rendered section by hand')


def _read(path):
    with open(osp.join(REPO, path)) as f:
        return f.read()


def test_every_rendered_section_agrees_with_its_file():
    changed, problems = render_files(REPO, check=True)
    assert not problems, FIX + ':\n' + '\n'.join(problems)
    assert not changed


@pytest.mark.parametrize('doc, least', [
    ('README.md', 1), ('docs/study.md', 15), ('docs/benchmarks.md', 3),
    ('docs/methods.md', 1)])
def test_the_docs_carry_rendered_sections(doc, least):
    """A section whose markers were deleted would silently stop being
    checked: the documents keep (at least) the sections they have."""
    assert len(sections(_read(doc))) >= least


def _edit_a_number(text, kind_pattern):
    """``text`` with the first number inside the first section whose
    opening line matches ``kind_pattern`` changed by one digit."""
    for m in doc_render.SECTION.finditer(text):
        if re.search(kind_pattern, m['spec'].splitlines()[0]):
            body = m['body']
            num = re.search(r'\d+\.\d\d', body)
            assert num, body
            digit = num.group()[-1]
            edited = num.group()[:-1] + str((int(digit) + 1) % 10)
            start = m.start('body') + num.start()
            return text[:start] + edited + text[start + len(num.group()):]
    raise AssertionError(f'no section matching {kind_pattern!r}')


@pytest.mark.parametrize('doc, kind', [
    ('README.md', r'^text '),                  # a number in prose
    ('docs/study.md', r'^study-report '),      # a number in a table
    ('docs/study.md', r'^fidelity '),
    ('docs/benchmarks.md', r'^step-table '),
])
def test_a_hand_edited_number_is_detected(doc, kind):
    text = _read(doc)
    assert check_text(text, REPO, doc) == []
    problems = check_text(_edit_a_number(text, kind), REPO, doc)
    assert len(problems) == 1, problems
    assert 'differs from its file' in problems[0]
    assert problems[0].startswith(doc + ':')
    # rendering puts the file's number back
    assert render_text(_edit_a_number(text, kind), REPO, doc) == text


def _scratch_repo(tmp_path, files):
    for rel in files:
        os.makedirs(osp.dirname(tmp_path / rel), exist_ok=True)
        shutil.copy(osp.join(REPO, rel), tmp_path / rel)
    return str(tmp_path)


def test_a_result_file_updated_without_rendering_is_detected(tmp_path):
    root = _scratch_repo(tmp_path, [STUDY])
    doc = ('# x\n\n<!-- render: text ' + STUDY + '\nCutMix: {val cutmix}, '
           'room {vs cutmix oracle}. -->\n<!-- /render -->\n')
    (tmp_path / 'README.md').write_text(doc)
    changed, problems = render_files(root)
    assert changed == ['README.md'] and problems == []
    rendered = (tmp_path / 'README.md').read_text()
    rep = json.loads((tmp_path / STUDY).read_text())
    old = rep['arms']['cutmix']['val'][0]
    assert f'CutMix: {old:.2f}, room +' in rendered
    assert render_files(root, check=True) == ([], [])
    # a new seed lands in the result file; the doc is not re-rendered
    rep['arms']['cutmix']['val'][0] = old + 0.5
    (tmp_path / STUDY).write_text(json.dumps(rep))
    changed, problems = render_files(root, check=True)
    assert changed == ['README.md']
    assert f"'CutMix: {old:.2f}" in problems[0]
    assert f"'CutMix: {old + 0.5:.2f}" in problems[0]
    # check writes nothing
    assert (tmp_path / 'README.md').read_text() == rendered


def test_markers_that_cannot_render_are_reported(tmp_path):
    root = _scratch_repo(tmp_path, [STUDY])
    for spec, words in [
            ('nonsense docs/results/x.json', 'unknown kind'),
            ('study-report docs/results/missing.json', 'no such result file'),
            ('text ' + STUDY + '\n{val no-such-arm}', "no arm 'no-such-arm'"),
            ('text ' + STUDY + '\n{bogus cutmix}',
             'unknown study placeholder'),
            ('text ' + STUDY, 'needs a template')]:
        text = f'<!-- render: {spec} -->\nold\n<!-- /render -->\n'
        problems = check_text(text, root, 'README.md')
        assert len(problems) == 1 and words in problems[0], (spec, problems)
        with pytest.raises(RenderError, match=re.escape(words)):
            render_text(text, root, 'README.md')


def test_links_are_relative_to_the_document(tmp_path):
    root = _scratch_repo(tmp_path,
                         ['docs/results/benchmark_step_2026-12-02.json'])
    spec = ('<!-- render: step-table '
            'docs/results/benchmark_step_2026-12-02.json -->\n'
            '<!-- /render -->\n')
    in_docs = render_text(spec, root, 'docs/benchmarks.md')
    at_root = render_text(spec, root, 'README.md')
    assert '](results/benchmark_step_2026-12-02.json)' in in_docs
    assert '](docs/results/benchmark_step_2026-12-02.json)' in at_root


def test_step_cost_says_when_and_where_it_was_measured():
    """Issue #38: step-cost figures carry the date and machine of their
    run, read from the result file."""
    res = json.loads(_read('docs/results/benchmark_step_2026-12-02.json'))
    text = _read('docs/benchmarks.md')
    line = doc_render.machine_line(res)
    assert res['date'] in line and res['machine']['cpu'] in line
    assert line in text


def test_render_docs_command_checks_the_repository(capsys):
    from sumix_ext.commands import render_docs
    assert render_docs.main(['--check', 'README.md']) == 0
    assert 'agrees' in capsys.readouterr().out
