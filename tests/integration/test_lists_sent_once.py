"""A reader worker sends a programme's lists (its ProgrammeSetup) whole once, then by number: the same records.

Every file of a programme carries the same Lists sheet, which reading keeps as one object; sent whole with
every record it was a third of the bytes and of the pickling. The main process keeps the last few lists each
worker sent whole (``intake._LISTS_KEPT``), as the worker does, so a number always finds its lists.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

from jwmodel.excel import intake

HAMPSHIRE = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012"


def _records() -> list[intake.Extracted]:
    return [intake.extract(f) for f in sorted(HAMPSHIRE.glob("*.xlsx"))]


def test_records_read_by_workers_are_those_read_in_one_process_and_share_their_lists():
    files = sorted(HAMPSHIRE.glob("*.xlsx"))
    by_workers = intake.extract_all(files, workers=1)
    assert by_workers == intake.extract_all(files, workers=0)
    setups = [s.setup for s, _ in by_workers if s is not None]
    assert len(setups) == len(files)  # every Hampshire file is read
    assert all(setup is setups[0] for setup in setups)  # one object: sent whole once, then by number


def test_lists_are_sent_whole_once_then_by_number():
    sender, records = intake._Sender(), _records()
    sizes = []
    for i, record in enumerate(records):
        data = sender.dumps((i, record))
        sender.sent()
        assert pickle.loads(data) == (i, record)
        sizes.append(len(data))
    whole = len(pickle.dumps(records[0][0].setup, pickle.HIGHEST_PROTOCOL))
    plain = [len(pickle.dumps((i, r), pickle.HIGHEST_PROTOCOL)) for i, r in enumerate(records)]
    assert sizes[0] >= plain[0] - 50  # the first carries the lists whole
    assert all(size < full - whole / 2 for size, full in zip(sizes[1:], plain[1:], strict=True))  # then a number


def test_lists_in_a_record_that_was_not_sent_are_sent_whole_with_the_next_that_holds_them():
    sender, (submission, source) = intake._Sender(), _records()[0]
    intake._LISTS_RECEIVED.pop(sender.pid, None)
    other = (replace(submission, setup=replace(submission.setup, financial_year="2099/00")), source)
    sender.dumps((0, (submission, source)))
    sender.unsent()  # as when the record cannot be sent: the main process never unpickled it
    for i, record in enumerate((other, (submission, source)), start=1):  # another record sent, then these lists
        data = sender.dumps((i, record))
        sender.sent()
        assert pickle.loads(data) == (i, record)  # a number for lists never received would find nothing here


def test_lists_a_worker_no_longer_keeps_are_sent_whole_again():
    sender, (submission, source) = intake._Sender(), _records()[0]
    intake._LISTS_RECEIVED.pop(sender.pid, None)
    records = [
        (replace(submission, setup=replace(submission.setup, financial_year=f"20{i:02d}/{i + 1:02d}")), source)
        for i in range(intake._LISTS_KEPT + 2)
    ]
    for i, record in enumerate([*records, records[0], records[-1]]):  # the first forgotten, the last kept
        data = sender.dumps((i, record))
        sender.sent()
        assert pickle.loads(data) == (i, record)
    assert len(intake._LISTS_RECEIVED[sender.pid]) == intake._LISTS_KEPT
