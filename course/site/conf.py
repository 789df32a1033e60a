"""Sphinx configuration of the course site (built by ``make site``, see build_site.py)."""
import pathlib

from sphinx.errors import ConfigError

project = "braindyn: brain-dynamics modelling in Python"
author = "the braindyn course team"
extensions = ["myst_nb"]
html_theme = "sphinx_book_theme"
html_title = "braindyn course"
html_theme_options = {"show_toc_level": 2}
# build_site.py executes the lessons (top to bottom, fresh kernel, every figure fresh)
# before Sphinx runs, so that it can keep a still picture of each widget; myst-nb only
# renders the stored outputs. Exercise stubs raise NotImplementedError on purpose
# (they are tagged raises-exception); any other error stops build_site.py.
nb_execution_mode = "off"
nb_merge_streams = True
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "amsmath"]

# -- offline: every script from _static, none from a CDN --------------------------------
# build_site.py copies MathJax 3 and the Jupyter widget manager from their npm packages
# into _offline/ (course/offline_assets.py); Sphinx copies that into _build/html/_static
# and the pages load them with relative paths, so the site works from file://.
ASSETS = pathlib.Path(__file__).parent / "_offline"
for _needed in ("mathjax/tex-mml-chtml.js", "html-manager/embed.js"):
    if not (ASSETS / _needed).is_file():
        raise ConfigError(f"{ASSETS / _needed} is missing: build the site with "
                          f"`make site` (or python course/build_site.py), which puts MathJax "
                          f"and the widget manager there from their npm packages")
html_static_path = ["_static", "_offline"]
# widgets.css hides a widget's still picture once the live widget is drawn; widgets.js lets
# the widget manager (written for MathJax 2) typeset with MathJax 3 (after it: priority)
html_css_files = ["widgets.css"]
html_js_files = [("widgets.js", {"defer": "defer", "priority": 800})]
mathjax_path = "mathjax/tex-mml-chtml.js"           # relative to _static
# MathJax 3's configuration: set (even empty) so that myst-parser adds to it the classes
# of the elements to typeset, instead of to a MathJax 4 configuration
mathjax3_config = {"options": {}}
# the widget manager on its own (no require.js); it renders the saved widget state
nb_ipywidgets_js = {"html-manager/embed.js": {}}
# a widget output carries text/html: its still picture followed by the widget view
# (build_site.py), which the widget manager replaces by the live widget
nb_mime_priority_overrides = [("html", "text/html", 5)]
