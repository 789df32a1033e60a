"""The JavaScript that the course site and slides load, bundled so they work offline.

    python course/offline_assets.py          # fetch every package into _build/npm (make assets)
    python course/offline_assets.py --check  # only say what is there and what is missing

A classroom may have no internet, or no access to foreign CDNs.  Instead of
loading MathJax, reveal.js and the Jupyter widget manager from a CDN, the
course pages load copies that the build puts beside them
(``_build/html/_static/``, ``_build/slides/assets/``) and reference with
relative paths, so the pages work from ``file://`` too.

The copies come from the npm packages pinned in ``PACKAGES`` (version and the
registry's sha512 integrity).  ``npm pack`` fetches a package's tarball (from
npm's own cache when it has it, ``--prefer-offline``); the tarball is checked
against the pinned integrity, unpacked into ``_build/npm/NAME-VERSION/`` and
reused by later builds.  Only npm is needed (Node.js comes with it), no
``npm install`` and no node_modules: ``make assets`` installs Debian's
``nodejs`` and ``npm`` where npm is missing.  Nothing is downloaded from a CDN.
"""
from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / "npm"


class AssetError(RuntimeError):
    """An asset package is missing and cannot be fetched; the message says what to do."""


@dataclasses.dataclass(frozen=True)
class Package:
    npm: str                  # the npm package name
    version: str              # pinned: the pages are tested with this version
    integrity: str            # the registry's "dist.integrity" of that version's tarball
    root: str                 # the folder of the package that is copied (its layout is kept)
    include: tuple[str, ...]  # glob patterns, relative to root, of the files the pages need
    requires: tuple[str, ...] = ()  # other PACKAGES installed beside it

    @property
    def folder(self) -> pathlib.Path:
        return CACHE / f"{self.npm.replace('/', '+')}-{self.version}"


PACKAGES = {
    # MathJax 3 (CommonHTML output): the combined TeX/MathML component and the parts it loads
    # on demand (fonts, TeX extensions, menu, accessibility); its fonts are found relative to
    # the script, so the folder can be moved as a whole.
    "mathjax": Package(
        "mathjax", "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        "es5", ("tex-mml-chtml.js", "input/**/*", "output/chtml/**/*", "ui/*", "a11y/*",
                "sre/**/*", "adaptors/*")),
    # reveal.js 4.0.2, the version nbconvert's slides template is written for; its themes
    # load web fonts from Google's CDN, replaced by local copies (see _local_fonts)
    "reveal.js": Package(
        "reveal.js", "4.0.2",
        "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw==",
        "", ("dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/**/*",
             "plugin/notes/*"), requires=("lato", "news-cycle")),
    # the fonts of reveal.js's "simple" theme (nbconvert's default), from Fontsource
    "lato": Package(
        "@fontsource/lato", "5.3.0",
        "sha512-0WhF/4rhrw+ErIyneKvhHn2YAl+xf8GDtllgOgOzDmeaSlLQtjpChXaQOpWhG2BchQW0WJy2zLV12Hdg0ndOMw==",
        "", ("400.css", "700.css", "400-italic.css", "700-italic.css", "files/*")),
    "news-cycle": Package(
        "@fontsource/news-cycle", "5.3.0",
        "sha512-FYR97v6llb/+wXFWW+9AmUPSXE6mrfwOeEDdErh2NH7mKf1dqb7iPJWUTMRtApl09atP6qhD5C8jK6fmb0ydZg==",
        "", ("400.css", "700.css", "files/*")),
    # the widget manager that renders saved ipywidgets state in a static page:
    # embed.js on its own (the site), embed-amd.js under require.js (nbconvert's slides)
    "html-manager": Package(
        "@jupyter-widgets/html-manager", "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        "dist", ("embed.js", "embed-amd.js", "embed.js.LICENSE.txt", "*.woff2", "*.woff",
                 "*.ttf", "*.eot", "*.svg")),
    # Font Awesome 4, which matplotlib's JavaScript animations (to_jshtml, lesson 11) load
    # for their buttons' icons
    "font-awesome": Package(
        "font-awesome", "4.7.0",
        "sha512-U6kGnykA/6bFmg1M/oT9EkFeIYv7JlX3bozwQJWiiLz6L0w3F5vBVPxHlwyX/vtNq1ckcpRKOB9f2Qal/VtFpg==",
        "", ("css/font-awesome.min.css", "fonts/*", "README.md")),
    # what nbconvert's reveal.js template loads besides reveal.js
    "requirejs": Package(
        "requirejs", "2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        "", ("require.js",)),
    "jquery": Package(
        "jquery", "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        "dist", ("jquery.min.js",)),
}

# the entry point of each package in an installed copy (relative to its folder)
ENTRY = {"mathjax": "tex-mml-chtml.js", "reveal.js": "dist/reveal.js",
         "html-manager": "embed.js", "requirejs": "require.js", "jquery": "jquery.min.js",
         "lato": "400.css", "news-cycle": "400.css",
         "font-awesome": "css/font-awesome.min.css"}
# font families that reveal.js's themes import from Google Fonts, and their local copies
LOCAL_FONTS = {"Lato": "lato", "News Cycle": "news-cycle"}
GOOGLE_FONTS = re.compile(r"@import url\((?:https?:)?//fonts\.googleapis\.com/css\?family=([^)]*)\);?")

HOW_TO_FETCH = ("run `make assets` (it installs Debian's nodejs and npm if npm is missing, "
                "then fetches the packages with npm pack), or copy the _build/npm folder "
                "from a machine that has built the course")


def _integrity(path: pathlib.Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _npm_pack(pkg: Package, into: pathlib.Path) -> pathlib.Path:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(f"the course pages need {pkg.npm}@{pkg.version} from npm, and npm was "
                         f"not found: {HOW_TO_FETCH}")
    cmd = [npm, "pack", f"{pkg.npm}@{pkg.version}", "--json", "--prefer-offline",
           "--pack-destination", str(into)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=into)
    if proc.returncode != 0:
        raise AssetError(f"`{' '.join(cmd[1:4])}` failed (no network and not in npm's cache?): "
                         f"{proc.stderr.strip()[-800:]}\nTo build the course offline, "
                         f"{HOW_TO_FETCH}")
    return into / json.loads(proc.stdout)[0]["filename"]


def fetch(name: str) -> pathlib.Path:
    """The unpacked package ``name`` in ``_build/npm``, fetched with npm pack if missing."""
    pkg = PACKAGES[name]
    stamp = pkg.folder / ".integrity"
    if stamp.exists() and stamp.read_text().strip() == pkg.integrity:
        return pkg.folder
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        tarball = _npm_pack(pkg, pathlib.Path(tmp))
        found = _integrity(tarball)
        if found != pkg.integrity:
            raise AssetError(f"{tarball.name} has integrity {found}, expected {pkg.integrity} "
                             f"(course/offline_assets.py): refusing to use it")
        unpacked = pathlib.Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(unpacked, filter="data")
        if pkg.folder.exists():
            shutil.rmtree(pkg.folder)
        shutil.move(unpacked / "package", pkg.folder)   # npm tarballs hold one folder, package/
    stamp.write_text(pkg.integrity + "\n")
    return pkg.folder


def files(name: str) -> list[pathlib.Path]:
    """The files of package ``name`` that the pages need, relative to its ``root``."""
    pkg = PACKAGES[name]
    base = fetch(name) / pkg.root
    found = {p.relative_to(base) for pattern in pkg.include for p in base.glob(pattern)
             if p.is_file() and p.suffix != ".map"}
    missing = [pattern for pattern in pkg.include if not any(base.glob(pattern))]
    if missing:
        raise AssetError(f"{pkg.npm}@{pkg.version} in {pkg.folder} has no {missing}: delete that "
                         f"folder and {HOW_TO_FETCH}")
    return sorted(found)


def _local_fonts(match: re.Match, theme: pathlib.Path, dest: pathlib.Path) -> str:
    """The @import lines of the local copies of a Google Fonts import (unknown families
    are left out: the theme's next font in the list is used)."""
    lines = []
    for family in match.group(1).split("|"):
        name, _, weights = family.partition(":")
        name = name.replace("+", " ")
        if name not in LOCAL_FONTS:
            continue
        for weight in (weights or "400").split(","):
            css = dest / LOCAL_FONTS[name] / weight.replace("italic", "-italic").strip()
            css = css.with_name(css.name + ".css")
            if css.is_file():
                lines.append(f"@import url({pathlib.Path(os.path.relpath(css, theme.parent)).as_posix()});")
    return "\n".join(lines) or "/* web fonts left out: offline copy */"


def install(names, dest: pathlib.Path) -> dict[str, pathlib.Path]:
    """Copy the needed files of each package into ``dest/NAME/``; returns NAME -> entry file.

    The package's licence goes along (``dest/NAME/LICENSE...``), and so do the packages
    it requires.  reveal.js's themes import their web fonts from the local copies."""
    names = list(names)
    names += [r for n in names for r in PACKAGES[n].requires if r not in names]
    names.sort(key=lambda n: bool(PACKAGES[n].requires))    # fonts before the themes
    entries = {}
    for name in names:
        pkg = PACKAGES[name]
        base = fetch(name) / pkg.root
        target = dest / name
        if target.exists():
            shutil.rmtree(target)
        for rel in files(name):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(base / rel, target / rel)
        for licence in pkg.folder.glob("LICENSE*"):
            shutil.copy2(licence, target / licence.name)
        for theme in (target / "dist" / "theme").glob("*.css") if name == "reveal.js" else ():
            text = theme.read_text(encoding="utf-8")
            theme.write_text(GOOGLE_FONTS.sub(lambda m: _local_fonts(m, theme, dest), text),
                             encoding="utf-8")
        entries[name] = target / ENTRY[name]
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].strip())
    parser.add_argument("--check", action="store_true",
                        help="only report which packages are in _build/npm")
    args = parser.parse_args(argv)
    status = 0
    for name, pkg in PACKAGES.items():
        if args.check:
            stamp = pkg.folder / ".integrity"
            ok = stamp.exists() and stamp.read_text().strip() == pkg.integrity
            print(f"{pkg.npm}@{pkg.version}: {'present' if ok else 'missing'} ({pkg.folder})")
            status |= not ok
            continue
        try:
            folder = fetch(name)
        except AssetError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"{pkg.npm}@{pkg.version}: {folder.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
