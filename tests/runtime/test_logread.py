"""runtime.logread: each line's envelope (`v`, `seq`, `event`...) checked as it is read, where it is wrong
named in one line; lenient mode skips and counts; a truncated last line means the run was cut short."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runtime.log import SCHEMA_VERSION
from runtime.logread import LogFileError, ReadReport, read_events, typed


def line(seq: int, event: str = "message_sent", **fields: Any) -> dict[str, Any]:
    return {"v": 1, "ts": "2026-01-01T00:00:00+00:00", "seq": seq, "run_id": "r", "event": event, **fields}


def write(path: Path, records: list[dict[str, Any] | str]) -> Path:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")
    return path


def good(count: int) -> list[dict[str, Any] | str]:
    return [line(0, "run_started", config={}), *(line(seq, text=f"m{seq}") for seq in range(1, count))]


def read_all(path: Path, **options: Any) -> list[dict[str, Any]]:
    return list(read_events(path, **options))


def test_a_well_formed_log_reads_whole(tmp_path: Path) -> None:
    """Every line of a log whose seq runs 0..n-1 is read, and the report knows the last line's number."""
    report = ReadReport()
    records = list(read_events(write(tmp_path / "log.jsonl", good(5)), report=report))
    assert [r["seq"] for r in records] == [0, 1, 2, 3, 4]
    assert report.where() == f"{tmp_path / 'log.jsonl'}: line 5"
    assert report.warnings == []


def test_a_gap_in_seq_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """A missing line (seq jumps from 2 to 4) is refused, naming the file, the line and both numbers."""
    records = good(6)
    del records[3]
    log = write(tmp_path / "log.jsonl", records)
    with pytest.raises(LogFileError) as caught:
        read_all(log)
    assert str(caught.value).startswith(f"{log}: line 4 has seq 4, expected 3")
    assert "without gaps or repeats" in str(caught.value)


def test_a_repeated_seq_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """A duplicated line (the same seq twice) is refused at the repeat."""
    records = good(4)
    records.insert(3, records[2])
    with pytest.raises(LogFileError, match=r"line 4 has seq 2, expected 3"):
        read_all(write(tmp_path / "log.jsonl", records))


def test_a_seq_that_is_not_a_number_is_an_error(tmp_path: Path) -> None:
    """`seq` as a string is named as such, with the line."""
    records = good(3)
    records[2] = {**records[2], "seq": "2"}  # type: ignore[dict-item]
    with pytest.raises(LogFileError, match=r'line 3 has seq "2", not a whole number'):
        read_all(write(tmp_path / "log.jsonl", records))


def test_a_version_other_than_the_first_lines_is_an_error(tmp_path: Path, monkeypatch) -> None:
    """One log has one schema version: a line whose `v` differs from line 1's is refused."""
    monkeypatch.setattr("runtime.logread.SCHEMA_VERSION", 2)
    records = good(3)
    records[2] = {**records[2], "v": 2}  # type: ignore[dict-item]
    with pytest.raises(LogFileError, match=r"line 3 has v 2, but line 1 has v 1"):
        read_all(write(tmp_path / "log.jsonl", records))


@pytest.mark.parametrize("version", [1, 2])
def test_a_log_of_either_known_version_reads_whole(tmp_path: Path, version: int) -> None:
    """v1 (the first schema) and v2 (each message of a conversation once) are both read, every line."""
    records = [{**record, "v": version} for record in good(3) if isinstance(record, dict)]
    report = ReadReport()
    assert len(read_all(write(tmp_path / "log.jsonl", records), report=report)) == 3
    assert report.version == version


@pytest.mark.parametrize("version", ['"1"', "true", "0", "1.5", "null"])
def test_a_version_that_is_not_a_schema_version_is_an_error(tmp_path: Path, version: str) -> None:
    """`v` must be a whole number from 1: a string, a boolean, zero or a fraction is refused."""
    records = good(3)
    records[1] = json.dumps(records[1]).replace('"v": 1', f'"v": {version}')
    with pytest.raises(LogFileError, match=r"line 2 has v .*, not a schema version"):
        read_all(write(tmp_path / "log.jsonl", records))


def test_a_newer_version_is_refused_even_when_lenient(tmp_path: Path) -> None:
    """A line from a newer schema is never skipped: the reader cannot know what it means."""
    records = good(3)
    records[2] = {**records[2], "v": SCHEMA_VERSION + 1}  # type: ignore[dict-item]
    with pytest.raises(LogFileError, match=rf"line 3 uses log schema v{SCHEMA_VERSION + 1}"):
        read_all(write(tmp_path / "log.jsonl", records), lenient=True)


def test_lenient_reading_skips_corrupt_lines_without_a_seq_warning(tmp_path: Path) -> None:
    """A skipped line accounts for its own seq: the lines after it read on without a seq fault."""
    records = good(5)
    records[2] = '{"v": 1, "seq": 2, "ev'
    records[3] = {**records[3], "seq": "x"}  # type: ignore[dict-item]
    report = ReadReport()
    got = read_all(write(tmp_path / "log.jsonl", records), lenient=True, report=report)
    assert [r["seq"] for r in got] == [0, 1, 4]
    assert report.skipped == [3, 4]
    assert report.warnings == ["skipped 2 corrupt line(s): 3, 4"]


def test_lenient_reading_warns_of_a_seq_gap_and_reads_on(tmp_path: Path) -> None:
    """With --lenient, a missing line is a warning naming where seq jumped, not an error."""
    records = good(5)
    del records[2]
    report = ReadReport()
    got = read_all(write(tmp_path / "log.jsonl", records), lenient=True, report=report)
    assert [r["seq"] for r in got] == [0, 1, 3, 4]
    assert report.warnings == ["seq does not run 0, 1, 2, ... : line 3 has seq 3, expected 2"]


def test_a_truncated_last_line_means_the_run_was_cut_short(tmp_path: Path) -> None:
    """A last line without its end (killed mid-write) is dropped and reported as the run cut short."""
    log = tmp_path / "log.jsonl"
    write(log, good(3))
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"v": 1, "seq": 3, "ev')
    report = ReadReport()
    assert len(read_all(log, report=report)) == 3
    assert report.cut_short
    assert report.warnings == [
        "the run was cut short: its last line (4) is incomplete (killed mid-write) and was ignored"
    ]


def test_typed_names_the_line_the_event_and_the_field(tmp_path: Path) -> None:
    """A field of the wrong type is refused with the file, the line, the event and the field."""
    assert typed({"event": "message_sent", "text": "hi"}, "text", str, "log: line 7") == "hi"
    assert typed({"event": "message_sent"}, "text", str, "log: line 7") is None
    with pytest.raises(LogFileError) as caught:
        typed({"event": "message_sent", "text": 3}, "text", str, "log: line 7")
    assert str(caught.value) == "log: line 7: message_sent's field 'text' is 3, expected a string"
    with pytest.raises(LogFileError, match="expected a whole number"):
        typed({"event": "game_ended", "turns": True}, "turns", int, "log: line 7")
    with pytest.raises(LogFileError, match="log: line 7: game_ended has no 'outcome'"):
        typed({"event": "game_ended"}, "outcome", str, "log: line 7", required=True)
