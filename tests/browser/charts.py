"""The staff charts as drawn in Chromium (decision 0050): each is drawn twice, for a wide column and for a
phone's, and the page shows one; its text scales with it, so what counts is its size on the screen."""

from playwright.sync_api import Page

SMALLEST = 11  # CSS px

# Every text of the drawing shown (the other one is display: none): its size on the screen, its box.
DRAWN = """() => {
  const shown = [...document.querySelectorAll("svg.bar-chart")].filter(svg => svg.getBoundingClientRect().width > 0);
  return shown.map(svg => {
    const frame = svg.getBoundingClientRect(), scale = svg.getScreenCTM().a;
    return {
      fit: svg.classList.contains("narrow") ? "narrow" : "wide",
      frame: [frame.left, frame.top, frame.right, frame.bottom],
      texts: [...svg.querySelectorAll("text")].map(text => {
        const box = text.getBoundingClientRect();
        return {text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale,
                box: [box.left, box.top, box.right, box.bottom]};
      }),
    };
  });
}"""


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    boxes = [(text["text"], text["box"]) for text in texts]
    return [
        (first, second)
        for index, (first, a) in enumerate(boxes)
        for second, b in boxes[index + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def readable_drawing(page: Page, width: int) -> list[str]:
    """The one drawing shown, after checking each of its texts; returns the texts."""
    (drawing,) = page.evaluate(DRAWN)
    texts = drawing["texts"]
    assert texts and [(text["text"], round(text["px"], 1)) for text in texts if text["px"] < SMALLEST] == []
    left, top, right, bottom = drawing["frame"]
    outside = [text["text"] for text in texts if not (left <= text["box"][0] and text["box"][2] <= right + 0.5)]
    assert outside == [] and all(top <= text["box"][1] and text["box"][3] <= bottom + 0.5 for text in texts)
    assert overlapping(texts) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert drawing["fit"] == ("narrow" if width == 375 else "wide")
    return [text["text"] for text in texts]
