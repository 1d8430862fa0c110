"""`replay LOG --html OUT`: one self-contained page, checked in a real headless Chromium.

.ci/run installs Debian's chromium when CI is set; where no browser can be had, the browser tests skip
and say why. The checks that need no browser (no network assets, escaping) always run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import main
from tests.support.cli import ROOT, run_main

GOLDEN_LOG = ROOT / "tests" / "games" / "taboo" / "golden" / "violation.jsonl"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOSTILE = "<script>document.title='pwned'</script><b>bold</b> & \"quotes\""


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless browser: install Debian's chromium (.ci/run does so when CI is set)")


def dump_dom(page: Path, profile: Path, *flags: str) -> str:
    """The page's DOM after loading, as headless Chromium serialises it."""
    done = subprocess.run(
        [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *flags,
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def page_of(log: Path, out: Path, *args: str) -> str:
    done = run_main("replay", str(log), "--html", str(out), *args)
    assert done.returncode == 0, done.stderr
    assert f"wrote {out}" in done.stdout
    return out.read_text(encoding="utf-8")


def hostile_log(tmp_path: Path) -> Path:
    """The golden log with a hinter's message that tries to inject markup."""
    records = [json.loads(line) for line in GOLDEN_LOG.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record["event"] == "message_sent" and record["text"] == "Let me think about frozen things":
            record["text"] = HOSTILE
    log = tmp_path / "hostile.jsonl"
    log.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return log


def test_the_page_has_no_network_assets(tmp_path: Path) -> None:
    """The page loads nothing: no external script, stylesheet, image or font."""
    html = page_of(GOLDEN_LOG, tmp_path / "page.html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert html.count("<script") == 1 and "<script>" in html  # the filter's, inline


def test_every_text_from_the_log_is_escaped(tmp_path: Path) -> None:
    """Markup inside a message is shown as text, never run or rendered."""
    html = page_of(hostile_log(tmp_path), tmp_path / "page.html")
    assert "<script>document" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html


def test_a_page_of_many_games_stays_small(tmp_path: Path) -> None:
    """Offline games cost under 2.4 KB each on the page: 200 of them under 500 KB (1.1 MB before)."""
    log = tmp_path / "fifty.jsonl"
    assert run_main("taboo", "--games", "50", "--seed", "5", "--quiet", "--log", str(log)).returncode == 0
    html = page_of(log, tmp_path / "page.html")
    one = page_of(GOLDEN_LOG, tmp_path / "one.html")
    per_game = (len(html.encode()) - len(one.encode())) / 49
    assert per_game < 2400, per_game
    assert html.count('<section class="game"') == 50


def page_with(page: Path, script: str) -> Path:
    """A copy of `page` that runs `script` once loaded and puts its result in the title."""
    probe = page.with_name("probe.html")
    html = page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", f"<script>document.title = ({script})();</script></body>"))
    return probe


def title_of(dom: str) -> str:
    return re.search(r"<title>(.*?)</title>", dom).group(1)


@pytest.mark.browser
def test_the_filter_finds_games_by_outcome_and_card_in_a_browser(tmp_path: Path) -> None:
    """The form filters the sections and the games table; a card's word finds its game."""
    log = tmp_path / "many.jsonl"
    assert run_main("taboo", "--games", "6", "--seed", "5", "--quiet", "--log", str(log)).returncode == 0
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    ended = [r for r in records if r["event"] == "game_ended"]
    page = tmp_path / "page.html"
    page_of(log, page)
    count = """function () {
      var form = document.getElementById("filter"), seen = [];
      form.outcome.value = "won"; form.dispatchEvent(new Event("input"));
      seen.push(document.querySelectorAll("section.game:not([hidden])").length);
      form.outcome.value = ""; form.find.value = "SUBJECT"; form.dispatchEvent(new Event("input"));
      seen.push(document.querySelectorAll("section.game:not([hidden])").length);
      seen.push(document.querySelectorAll("#games tr:not([hidden])").length - 1);
      seen.push(form.hidden);
      return seen.join(" ");
    }""".replace("SUBJECT", ended[0]["subject"])
    dom = dump_dom(page_with(page, count), tmp_path / "profile")
    won = sum(r["outcome"] == "success" for r in ended)
    assert title_of(dom) == f"{won} 1 1 false"


@pytest.mark.browser
def test_right_hand_bubbles_and_requests_stay_inside_the_page_in_a_browser(tmp_path: Path) -> None:
    """On a narrow window, no bubble or opened request reaches past its game's section; legend drawn."""
    records = [json.loads(line) for line in GOLDEN_LOG.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record["event"] == "message_sent" and record["text"] == "GUESS: hail":
            record["text"] = "GUESS: " + "hailstones" * 30  # one long word on the right-hand side
    log = tmp_path / "long.jsonl"
    log.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    page = tmp_path / "page.html"
    page_of(log, page)
    measure = """function () {
      document.querySelectorAll("details").forEach(function (d) { d.open = true; });
      var section = document.querySelector("section.game").getBoundingClientRect(), out = 0;
      document.querySelectorAll(".msg, .call, .call pre").forEach(function (item) {
        var box = item.getBoundingClientRect();
        if (box.right > section.right + 0.5 || box.left < section.left - 0.5) out += 1;
      });
      var right = document.querySelectorAll(".msg.right").length;
      var legend = document.querySelectorAll("svg use").length;
      return out + " outside, " + right + " right, " + legend + " legend";
    }"""
    dom = dump_dom(page_with(page, measure), tmp_path / "profile", "--window-size=420,900")
    assert title_of(dom) == "0 outside, 1 right, 1 legend"


def test_a_bad_log_leaves_no_page_behind(tmp_path: Path) -> None:
    """A log that turns out corrupt midway: exit 2, and neither the page nor a partial file is left."""
    lines = GOLDEN_LOG.read_text(encoding="utf-8").splitlines(keepends=True)
    log = tmp_path / "corrupt.jsonl"
    log.write_text("".join([*lines[:5], "{oops\n", *lines[6:]]), encoding="utf-8")
    done = run_main("replay", str(log), "--html", str(tmp_path / "page.html"))
    assert done.returncode == 2 and "line 6" in done.stderr
    assert list(tmp_path.glob("page.html*")) == []


@pytest.mark.browser
def test_the_conversation_is_on_the_page_in_a_browser(tmp_path: Path) -> None:
    """Loaded in Chromium, the page shows every message, the verdicts, the marked span and the outcome."""
    page = tmp_path / "page.html"
    page_of(GOLDEN_LOG, page)
    dom = dump_dom(page, tmp_path / "profile")
    for text in (
        "Let me think about frozen things",
        "CLUE: frozen rain falling from the clouds",
        "frozen rain falling from the clouds",
        "GUESS: hail",
        "CLUE: what makes a day snowy",
        "✓ clue approved",
        "✗ hail is wrong",
        "what makes a day <mark>snowy</mark>",
        "Lost after 2 turns, score 0",
        "Outcome and figures",
        "hinter: test-model, 128 tokens",  # the hinter's first call: 120 in, 8 out
    ):
        assert text in dom, text
    assert dom.count('class="msg ') == 8
    assert "<svg" in dom and "timeline of game g1" in dom


@pytest.mark.browser
def test_markup_in_a_message_stays_text_in_a_browser(tmp_path: Path) -> None:
    """A message carrying a script neither runs (the title stays) nor becomes an element."""
    page = tmp_path / "page.html"
    page_of(hostile_log(tmp_path), page)
    dom = dump_dom(page, tmp_path / "profile")
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
    assert "&lt;script&gt;" in dom and "<b>bold</b>" not in dom


@pytest.mark.browser
def test_another_games_page_shows_its_secret_and_verdicts(tmp_path: Path) -> None:
    """A Twenty Questions run: its secret in the game's title, each guess's verdict, the outcome."""
    log = tmp_path / "tq.jsonl"
    assert run_main("twenty-questions", "--seed", "2", "--quiet", "--log", str(log)).returncode == 0
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    secret = next(r["secret"] for r in records if r["event"] == "game_started")
    verdicts = [r["text"] for r in records if r["event"] == "verdict_given"]
    ended = next(r for r in records if r["event"] == "game_ended")
    page = tmp_path / "page.html"
    page_of(log, page)
    dom = dump_dom(page, tmp_path / "profile")
    assert f"secret {secret}" in dom
    assert all(text in dom for text in verdicts) and verdicts
    assert f"Won in {ended['turns']} questions" in dom and ended["outcome"] == "success"


@pytest.mark.browser
def test_a_page_of_many_games_shows_each_game_and_the_figures(tmp_path: Path) -> None:
    """With many games, each game has its section, and the figures list them all."""
    log = tmp_path / "many.jsonl"
    assert run_main("taboo", "--games", "3", "--seed", "1", "--quiet", "--log", str(log)).returncode == 0
    page = tmp_path / "page.html"
    page_of(log, page)
    dom = dump_dom(page, tmp_path / "profile")
    for game_id in ("g1", "g2", "g3"):
        assert f'id="game-{game_id}"' in dom and f'href="#game-{game_id}"' in dom
    assert "played to the end" in dom


def test_the_page_of_a_run_cut_short_says_so_at_the_top(tmp_path: Path) -> None:
    """A killed run's page opens with a notice naming the game that never ended, linked to it."""
    lines = GOLDEN_LOG.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if '"game_ended"' in line)
    log = tmp_path / "cut.jsonl"
    log.write_text("".join(lines[: cut - 2]), encoding="utf-8")
    page = tmp_path / "page.html"
    assert main.main(["replay", str(log), "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    notice = re.search(r'<section id="cut-short">(.*?)</section>', html)
    assert notice is not None
    assert "no run_ended" in notice.group(1)
    assert '1 game(s) never ended: <a href="#game-g1">g1</a>' in notice.group(1)
    assert "#cut-short { order: -2;" in html


def test_the_page_of_a_whole_run_has_no_cut_short_notice(tmp_path: Path) -> None:
    """A run that ended, every game with it, has no such notice."""
    page = tmp_path / "page.html"
    assert main.main(["replay", str(GOLDEN_LOG), "--html", str(page)]) == 0
    assert 'id="cut-short"' not in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("out", "needle"),
    [
        ("{tmp}", "is a folder"),
        ("{tmp}/missing/page.html", "the folder {tmp}/missing does not exist"),
        ("/proc/page.html", "cannot write there"),
    ],
    ids=["a folder", "a missing folder", "a read-only file system"],
)
def test_a_page_that_cannot_be_written_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str, needle: str
) -> None:
    """--html OUT that is a folder or cannot be written: one line, exit 2, before the log is opened
    (a missing log is not even noticed)."""
    target, needle = out.format(tmp=tmp_path), needle.format(tmp=tmp_path)
    code = main.main(["replay", str(tmp_path / "no-such-log.jsonl"), "--html", target])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: --html {target}: {needle}")
    assert len(err.splitlines()) == 1
