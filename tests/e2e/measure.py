"""What a 360-px phone shows too small: targets under 44x44 px and text under 16 px (14 px for
badges and legends), measured in the page by the browser (issue 25).

Used by test_phone_sizes.py on every page each demo persona reaches from the menu and the home
page. What is measured:

- targets: every visible link, button, field, select, summary and the menu button. A checkbox
  or radio counts by its whole row (.form-check: the label takes the tap too).
- text: every visible text node's computed font size, outside SVG charts (drawn to scale) and
  outside <option> (the phone's own picker draws them).

ALLOWED is the explicit allow-list of targets that may stay small: links inside running text
(a sentence with a link in it), as WCAG 2.5.8 excepts "inline" targets. Each entry is a CSS
selector for the link, matched only when the text around it is longer than the link itself.
"""

TARGET_MIN = 44
TEXT_MIN = 16
BADGE_MIN = 14

# Inline links in prose, allowed under 44 px high when the sentence around them is longer than
# the link: a paragraph's, a definition's or an alert's text, a note in a table cell.
ALLOWED = [
    "p a",  # a link inside a paragraph of text
    "dd a",  # a value in a description list ("Answered at the meeting")
    ".alert a",  # a link inside a message
    "td a",  # a name or title inside a table cell with more text beside it
    "li a",  # a link inside a list item's sentence
    "figcaption a",
]
# Smaller text allowed at 14 px: badges, legends, the chart keys.
SMALL_TEXT = [
    ".badge",
    "legend",
    ".db-chart-box p",  # the chart's key
    "#flags [data-state]",  # the flags page's month badges (static/css/flags.css draws them as .badge)
    "#flags [data-flag] > b",  # a flag's badge
]

SCRIPT = """
([targetMin, textMin, badgeMin, allowed, smallText]) => {
  const shown = (el) => {
    if (!el.getClientRects().length) return false;
    if (el.closest('.visually-hidden, [hidden], svg')) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.opacity !== '0';
  };
  const describe = (el) => (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"');
  const inProse = (el) => {
    if (!allowed.some((selector) => el.matches(selector))) return false;
    const block = el.parentElement.closest('p, dd, .alert, td, li, figcaption') || el.parentElement;
    return block.innerText.trim().length > el.innerText.trim().length + 3;
  };
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label.navbar-toggler';
  for (const el of document.querySelectorAll(selector)) {
    let box = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) box = el.closest('.form-check, label') || el;
    if (!shown(el) && !(box !== el && shown(box))) continue;
    if (el.classList.contains('visually-hidden') || el.closest('.visually-hidden')) continue;
    const r = box.getBoundingClientRect();
    if (r.width >= targetMin - 0.5 && r.height >= targetMin - 0.5) continue;
    if (el.tagName === 'A' && inProse(el)) continue;
    small.push(describe(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  const tiny = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest('option, script, style, noscript')) continue;
    seen.add(el);
    if (!shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const min = smallText.some((s) => el.closest(s)) ? badgeMin : textMin;
    if (size < min - 0.1) tiny.push(describe(el) + ' ' + size + 'px');
  }
  return {small, tiny};
}
"""


def measure(page) -> dict:
    """{"small": [...targets under 44 px], "tiny": [...text under its minimum]} for the page as shown."""
    return page.evaluate(SCRIPT, [TARGET_MIN, TEXT_MIN, BADGE_MIN, ALLOWED, SMALL_TEXT])
