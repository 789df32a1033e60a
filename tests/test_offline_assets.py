"""course/offline_assets.py: the npm packages that replace CDNs on the course pages.

Fast tests, without npm or the network: a fake package in a temporary cache stands in
for a fetched one.
"""
import base64
import hashlib
import io
import subprocess
import sys
import tarfile

import pytest

from support import ROOT

sys.path.insert(0, str(ROOT / "course"))
import offline_assets  # noqa: E402


def tarball(files: dict) -> bytes:
    """An npm-style tarball (one folder, package/) holding files {path: text}."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """PACKAGES replaced by two fake ones that npm pack 'fetches' from memory."""
    theme = ("/* theme */\n@import url(https://fonts.googleapis.com/css?family=Lato:400,"
             "700italic);\n@import url(https://fonts.googleapis.com/css?family=Other);\n"
             ".reveal { font-family: Lato; }\n")
    tarballs = {
        "reveal.js": tarball({"dist/reveal.js": "reveal", "dist/reveal.js.map": "map",
                              "dist/theme/simple.css": theme, "demo.html": "demo",
                              "LICENSE": "MIT"}),
        "lato": tarball({"400.css": "@font-face{}", "700-italic.css": "@font-face{}",
                         "files/lato.woff2": "woff", "README.md": "lato"}),
    }
    packages = {
        "reveal.js": offline_assets.Package("reveal.js", "1.0.0", integrity(tarballs["reveal.js"]),
                                            "", ("dist/reveal.js", "dist/theme/*"),
                                            requires=("lato",)),
        "lato": offline_assets.Package("@fontsource/lato", "1.0.0", integrity(tarballs["lato"]),
                                       "", ("400.css", "700-italic.css", "files/*")),
    }
    packs = []

    def npm_pack(pkg, into):
        packs.append(pkg.npm)
        name = next(k for k, p in packages.items() if p.npm == pkg.npm)
        path = into / f"{name}.tgz"
        path.write_bytes(tarballs[name])
        return path

    monkeypatch.setattr(offline_assets, "CACHE", tmp_path / "npm")
    monkeypatch.setattr(offline_assets, "PACKAGES", packages)
    monkeypatch.setattr(offline_assets, "LOCAL_FONTS", {"Lato": "lato"})
    monkeypatch.setattr(offline_assets, "_npm_pack", npm_pack)
    return packages, packs


def test_install_copies_what_the_pages_need_and_local_fonts(fake_npm, tmp_path):
    packages, packs = fake_npm
    dest = tmp_path / "assets"
    entries = offline_assets.install(["reveal.js"], dest)
    assert entries["reveal.js"] == dest / "reveal.js" / "dist" / "reveal.js"
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == ["lato/400.css", "lato/700-italic.css", "lato/files/lato.woff2",
                     "reveal.js/LICENSE", "reveal.js/dist/reveal.js",
                     "reveal.js/dist/theme/simple.css"]        # no map, no demo
    theme = (dest / "reveal.js" / "dist" / "theme" / "simple.css").read_text()
    assert "googleapis" not in theme
    assert "@import url(../../../lato/400.css);\n@import url(../../../lato/700-italic.css);" in theme
    assert ".reveal { font-family: Lato; }" in theme
    # fetched once, then taken from the cache
    offline_assets.install(["reveal.js"], tmp_path / "again")
    assert sorted(packs) == ["@fontsource/lato", "reveal.js"]


def test_a_tarball_with_the_wrong_checksum_is_refused(fake_npm):
    packages, _ = fake_npm
    packages["lato"] = offline_assets.Package("@fontsource/lato", "1.0.0", "sha512-bad", "",
                                              ("400.css",))
    with pytest.raises(offline_assets.AssetError, match="refusing to use it"):
        offline_assets.fetch("lato")
    assert not packages["lato"].folder.exists()


def test_without_npm_the_error_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(offline_assets, "CACHE", tmp_path / "npm")
    monkeypatch.setattr(offline_assets.shutil, "which", lambda name: None)
    with pytest.raises(offline_assets.AssetError, match=r"npm was not found: run `make assets`"):
        offline_assets.fetch("mathjax")


def test_a_package_missing_a_needed_file_says_so(fake_npm):
    packages, _ = fake_npm
    packages["lato"] = offline_assets.Package("@fontsource/lato", packages["lato"].version,
                                              packages["lato"].integrity, "", ("999.css",))
    with pytest.raises(offline_assets.AssetError, match=r"has no \['999.css'\]"):
        offline_assets.files("lato")


def test_sphinx_alone_says_to_build_with_build_site(tmp_path):
    """conf.py stops a build that lacks the offline copies, saying how to make them."""
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q",
                           str(ROOT / "course" / "site"), str(tmp_path / "html")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "make site" in proc.stderr and "_offline/mathjax/tex-mml-chtml.js" in proc.stderr
