"""Sphinx configuration for the nextresp documentation."""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

import nextresp

project = "nextresp"
author = "The nextresp authors"
copyright = "2026, The nextresp authors"
release = nextresp.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx_copybutton",
]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
# Names as users import them (``api_handler``, ``ApiHandler``), never the private
# module a class lives in; no ``__new__`` that a class only inherits.
add_module_names = False
autodoc_default_options = {"exclude-members": "__new__"}
autodoc_typehints = "description"
autodoc_class_signature = "separated"

html_theme = "furo"
html_title = f"nextresp {release}"
html_static_path = ["_static"]
html_css_files = ["nextresp.css"]
REPOSITORY = "https://github.com/nextresp/nextresp"
html_theme_options = {
    "source_repository": f"{REPOSITORY}/",
    "source_branch": "main",
    "source_directory": "docs/",
    "footer_icons": [
        {
            "name": "GitHub",
            "url": REPOSITORY,
            "html": "Source on GitHub",
            "class": "",
        },
    ],
}

# A copied example is what one types: no ">>> " or "$ " prompts, no output lines.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


class BreakNamesInTables(SphinxPostTransform):
    """Let a long name in a table cell break after ``_``, ``.``, ``/`` or ``::`` only.

    Test and module names fill the tables of the reliability page; a browser would
    otherwise break them anywhere, mid-word.
    """

    default_priority = 800
    formats = ("html",)

    def run(self, **kwargs: object) -> None:
        for table in self.document.findall(nodes.table):
            for literal in list(table.findall(nodes.literal)):
                parts = re.split(r"(?<=[_./])|(?<=::)", literal.astext())
                if len(parts) < 2:
                    continue
                literal.children = []
                for index, part in enumerate(parts):
                    if index:
                        literal += nodes.raw("", "<wbr>", format="html")
                    literal += nodes.Text(part)


def setup(app: Sphinx) -> None:
    app.add_post_transform(BreakNamesInTables)
