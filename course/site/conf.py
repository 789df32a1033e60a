"""Sphinx configuration of the course site (built by ``make site``, see build_site.py)."""
project = "braindyn: brain-dynamics modelling in Python"
author = "the braindyn course team"
extensions = ["myst_nb"]
html_theme = "sphinx_book_theme"
html_title = "braindyn course"
html_theme_options = {"show_toc_level": 2}
# Lessons are executed while the site is built, so every figure is fresh.
nb_execution_mode = "force"
nb_execution_timeout = 300
nb_execution_allow_errors = False
# Exercise stubs raise NotImplementedError on purpose (they are tagged).
nb_execution_raise_on_error = True
nb_merge_streams = True
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "amsmath"]
