"""report.html in a real browser: it renders, every image loads, nothing leaves the machine.

Headless Chromium (Debian's /usr/bin/chromium; `.ci/run` installs it) driven by Playwright.
Playwright's own browser download is never used: it cannot download here, and the system
browser is what a reader would open the file with.
"""

import pytest
from PIL import Image

from browser import ARGS, CHROMIUM, local, refuse_outside
from sim.cli.main import main

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium (apt-get install chromium) to render report.html",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def test_report_renders_in_chromium_with_every_image_and_no_outside_request(tmp_path):
    out = tmp_path / "telecom"
    args = ["compare", "--replicates", "2", "--set", "org.size=100", "--quiet", "--out", str(out)]
    assert main(args) == 0
    report = out / "report.html"
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            # Anything not local is refused before it is sent, and recorded.
            refuse_outside(page, requests)
            page.goto(report.as_uri(), wait_until="load")
            images = page.evaluate(
                "Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, "
                "width: i.naturalWidth, height: i.naturalHeight}))"
            )
            headings = page.locator("h2").all_inner_texts()
            money = page.locator("table").nth(3).inner_text()
            decision = page.locator("section.decision").inner_text()
            box = page.locator("section.decision").bounding_box()
            first = page.locator("h2").first.inner_text()
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert [i["alt"] for i in images] == [
        "Weekly outcomes by design",
        "Designs compared",
        "Cumulative net benefit by week",
    ]
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
    outside = [url for url in requests if not local(url)]
    assert requests and not outside, outside
    assert "Costs and benefits" in headings and "Difference from baseline" in headings
    assert "net benefit: median [80% predictive]" in money and "USD " in money
    # the decision box comes first: the verdict from the chance, and the ranking
    assert first == "Decision" and box is not None and box["y"] < 400
    assert "of simulated futures" in decision and "Most likely best on net benefit:" in decision
    assert "No program (baseline)" in decision
    with Image.open(shot) as png:
        assert png.format == "PNG" and png.width == 1200 and png.height > 2500
        low, high = png.convert("L").getextrema()
        assert low < 64 and high > 192  # text on a white page, not a blank frame
