"""`report --html PAGE`: one self-contained page with charts and a sortable leaderboard, checked in a
real headless Chromium: the charts are drawn (their regions of a screenshot hold the bars' colour), a
click on a column's head sorts the leaderboard, and every game links to its replay page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import main
from tests.cli.test_clembench_cli import RECORDS
from tests.cli.test_replay_html import browser
from tests.support.cli import ROOT
from tests.support.evals import SLOPPY_PERSONA

PLAN = """\
name = "page"
seeds = [3]
games = 12

[game.taboo]

[cast.steady]
model = "offline"

[cast.sloppy]
model = "offline"
persona = "sloppy.toml"
"""
WINDOW = (1200, 5000)
BAR_BLUE = (0x25, 0x63, 0xEB)
HOSTILE = "<script>document.title='pwned'</script><b>x</b>"


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page of a small eval: two casts of Taboo, 12 games each; a third cast's name carries markup."""
    folder = tmp_path_factory.mktemp("page")
    (folder / "sloppy.toml").write_text(SLOPPY_PERSONA, encoding="utf-8")
    (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    out = folder / "out"
    assert main.main(["eval", str(folder / "plan.toml"), "--out", str(out), "--quiet"]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    results["cells"][1]["cast"] = HOSTILE  # as if the plan had named a cast so
    (out / "results.json").write_text(json.dumps(results), encoding="utf-8")
    imported = folder / "clembench"  # models with latency, for the latency chart
    assert main.main(["import", "clembench", str(RECORDS), "--out", str(imported)]) == 0
    prices = folder / "prices.toml"
    prices.write_text(
        '[model.offline]\ninput = 1\noutput = 2\n[model."alpha-chat-7b"]\ninput = 3\noutput = 4\n', "utf-8"
    )
    page = folder / "report.html"
    assert main.main(["report", str(out), str(imported), "--prices", str(prices), "--html", str(page)]) == 0
    return page


def run_chromium(page: Path, profile: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"--user-data-dir={profile}",
            *flags,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def instrumented(page: Path, script: str) -> Path:
    """A copy of the page, beside it, with a test's script run after the page's own."""
    copy = page.with_name(f"probe-{abs(hash(script))}.html")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", f"<script>{script}</script></body>"))
    return copy


def test_the_page_has_no_network_assets_and_escapes_every_name(report_page: Path) -> None:
    html = report_page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(http" not in html
    assert "<script>document.title" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    for caption in (
        "Success rate per cast: taboo · strict rules",
        "Scores per cast: taboo · strict rules",
        "Turns per cast: taboo · clembench rules",
        "Model latency per model (ms)",
        "Cost per model",
    ):
        assert caption in captions, caption


def test_matplotlib_is_imported_only_for_a_page(report_page: Path) -> None:
    """A report without --html never imports matplotlib (it takes a second to import)."""
    logs = report_page.parent / "out"
    code = f"import sys, main; main.main(['report', {str(logs)!r}]); print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"


def test_every_game_links_to_its_place_on_its_replay_page(report_page: Path) -> None:
    html = report_page.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"#]+)#game-([^"]+)">', html)
    assert len(links) == 24 + 7  # the eval's games and the imported episodes
    for target, game_id in links:
        replay = (report_page.parent / target).read_text(encoding="utf-8")
        assert f'id="game-{game_id}"' in replay


@pytest.mark.browser
def test_a_click_on_a_column_head_sorts_the_leaderboard(report_page: Path, tmp_path: Path) -> None:
    """Clicking "success" sorts by success rate, highest first; again, lowest first."""
    script = """
    var head = document.querySelector('#leaderboard th[data-key="success"]');
    function order() {
      return Array.prototype.map.call(document.querySelectorAll('#leaderboard tbody tr'),
        function (row) { return row.cells[3].getAttribute('data-sort'); }).join(',');
    }
    var before = order(); head.click(); var down = order(); head.click(); var up = order();
    var out = document.createElement('pre'); out.id = 'probe';
    var sorted = head.getAttribute('aria-sort');
    out.textContent = JSON.stringify({before: before, down: down, up: up, sort: sorted});
    document.body.appendChild(out);
    """
    dom = run_chromium(instrumented(report_page, script), tmp_path / "profile", "--dump-dom").stdout
    probe = json.loads(re.search(r'<pre id="probe">(.*?)</pre>', dom).group(1).replace("&quot;", '"'))
    down = [float(value) for value in probe["down"].split(",")]
    up = [float(value) for value in probe["up"].split(",")]
    before = [float(value) for value in probe["before"].split(",")]
    assert len(down) == 4 and len(set(down)) > 1, "the casts differ, so the order can be seen"
    assert before != up, "the click changed the order"
    assert down == sorted(down, reverse=True) and up == sorted(up)
    assert probe["sort"] == "ascending"


@pytest.mark.browser
def test_the_charts_are_drawn(report_page: Path, tmp_path: Path) -> None:
    """In a screenshot, every chart's region holds drawn pixels, and the success chart its blue bars."""
    import numpy  # here, not as every pytest-xdist worker collects the module
    from PIL import Image

    script = """
    var boxes = Array.prototype.map.call(document.querySelectorAll('figure.chart svg'), function (svg) {
      var box = svg.getBoundingClientRect();
      return [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height];
    });
    var out = document.createElement('pre'); out.id = 'boxes'; out.textContent = JSON.stringify(boxes);
    document.body.appendChild(out);
    """
    probe = instrumented(report_page, script)  # the boxes are listed after every chart, below them
    shot = tmp_path / "shot.png"
    dom = run_chromium(probe, tmp_path / "profile", "--dump-dom", f"--screenshot={shot}").stdout  # one start
    boxes = json.loads(re.search(r'<pre id="boxes">(.*?)</pre>', dom).group(1))
    assert len(boxes) >= 3
    image = Image.open(shot).convert("RGB")
    for index, (left, top, width, height) in enumerate(boxes):
        assert top + height <= WINDOW[1], "the window is tall enough to hold every chart"
        region = image.crop((int(left), int(top), int(left + width), int(top + height)))
        pixels = numpy.asarray(region).reshape(-1, 3)
        drawn = int((pixels != 255).any(axis=1).sum())
        assert drawn > 0.02 * len(pixels), f"chart {index} is blank"
    first = image.crop(tuple(int(v) for v in (boxes[0][0], boxes[0][1], boxes[0][0] + boxes[0][2],
                                             boxes[0][1] + boxes[0][3])))  # fmt: skip
    pixels = numpy.asarray(first).reshape(-1, 3).astype(int)
    blue = int((numpy.abs(pixels - numpy.array(BAR_BLUE)) <= 12).all(axis=1).sum())
    assert blue > 500, "the success chart's bars are drawn in their colour"
