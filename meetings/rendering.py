"""HTML to PDF in a process of its own: ``python -m meetings.rendering`` reads the HTML (UTF-8) on
standard input and writes the PDF on standard output. meetings/documents/pdf.py runs it with a
time limit and kills it when the limit passes: a thread cannot be stopped, a process can.

Imports nothing of Django (this process has no settings), only WeasyPrint."""

import sys


def _refuse_urls(url, *args, **kwargs):
    # The documents are self-contained: nothing (files, network) is fetched while rendering.
    raise ValueError(f"Documents load no external resources: {url}")


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_refuse_urls).write_pdf()


def main() -> None:
    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(write_pdf(html))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
