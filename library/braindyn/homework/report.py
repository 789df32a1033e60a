"""The report of an executed notebook: one HTML file, and a PDF when possible.

HTML (nbconvert's ``HTMLExporter``, lab template) is always produced and is
self-contained: figures are ``<img src="data:image/png;base64,...">`` and
images in markdown are embedded too, so the file opens anywhere, offline.

A PDF needs a converter; :func:`pdf_converter` looks for one, in order:

1. a Chromium or Chrome on the PATH, driven by Playwright (the HTML above,
   printed to PDF: what the student sees in the browser);
2. nbconvert's ``webpdf`` with a browser installed by ``playwright install``;
3. LaTeX (``xelatex``), nbconvert's ``PDFExporter``.

When none is there, or the conversion fails, the caller says that only HTML
was produced; the PDF is a convenience, the HTML is the report.
"""
from __future__ import annotations

import importlib.util
import os
import pathlib
import shutil
import tempfile

from nbformat import NotebookNode

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def to_html(nb: NotebookNode, title: str) -> str:
    """The notebook as one self-contained HTML page."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", embed_images=True)
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return html


def pdf_converter() -> str | None:
    """Name of the first available PDF route ("chromium", "webpdf", "latex"), or None."""
    if importlib.util.find_spec("playwright") is not None:
        if any(shutil.which(b) for b in BROWSERS):
            return "chromium"
        cache = pathlib.Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH",
                                            pathlib.Path.home() / ".cache" / "ms-playwright"))
        if any(cache.glob("chromium*")):
            return "webpdf"
    if shutil.which("xelatex"):
        return "latex"
    return None


def _chromium_pdf(html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    browser_path = next(shutil.which(b) for b in BROWSERS if shutil.which(b))
    # Chromium refuses to run as root inside containers without --no-sandbox.
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory(prefix="braindyn-pdf-") as tmp:
        page_file = pathlib.Path(tmp) / "report.html"
        page_file.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=args)
            try:
                page = browser.new_page()
                page.goto(page_file.as_uri(), wait_until="load")
                page.emulate_media(media="print")
                return page.pdf(print_background=True, format="A4")
            finally:
                browser.close()


def to_pdf(nb: NotebookNode, html: str, title: str) -> tuple[bytes | None, str]:
    """(PDF bytes, "") or (None, the reason there is no PDF)."""
    route = pdf_converter()
    if route is None:
        return None, ("没有找到 PDF 转换器（带 Playwright 的 Chromium 浏览器，或 xelatex）/ no PDF "
                      "converter found (a Chromium browser with Playwright, or xelatex)")
    try:
        if route == "chromium":
            return _chromium_pdf(html), ""
        if route == "webpdf":
            from nbconvert import WebPDFExporter

            data, _ = WebPDFExporter(disable_sandbox=True).from_notebook_node(
                nb, resources={"metadata": {"name": title}})
            return data, ""
        from nbconvert import PDFExporter

        data, _ = PDFExporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
        return data, ""
    except Exception as e:   # a broken converter must not stop a submission
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return None, f"PDF 转换器（{route}）出错 / the PDF converter ({route}) failed: {first}"
