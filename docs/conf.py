"""Sphinx configuration for the nextresp documentation."""

from __future__ import annotations

import nextresp

project = "nextresp"
author = "The nextresp authors"
copyright = "2026, The nextresp authors"
release = nextresp.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_class_signature = "separated"

html_theme = "furo"
html_title = f"nextresp {release}"
html_static_path = ["_static"]
html_css_files = ["nextresp.css"]
