"""Sphinx configuration for the nextresp documentation."""

from __future__ import annotations

import builtins
import re
from typing import get_type_hints

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

import nextresp
import nextresp.ai
import nextresp.redis

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


def document_returned_classes_under_nextresp() -> None:
    """Make ``nextresp.ApiHandler`` and ``nextresp.RoutesApp`` importable in this build.

    They are the classes of what ``api_methods`` and ``routes`` return, documented for
    their methods and attributes, but not exported: found from those functions' return
    types, so that the private module each is written in is never named here.
    """
    for function in (nextresp.api_methods, nextresp.routes):
        cls = get_type_hints(function)["return"]
        if not hasattr(nextresp, cls.__name__):
            setattr(nextresp, cls.__name__, cls)


# Each documented name, and the public module users import it from.
PUBLIC_MODULES = {
    name: module.__name__
    for module in (nextresp.redis, nextresp.ai, nextresp)
    for name in module.__all__
} | {"ApiHandler": "nextresp", "RoutesApp": "nextresp"}
BUILTIN_NAMES = frozenset(dir(builtins))
# A name in a private module of the package (``nextresp._response.ApiResponse``).
PRIVATE_PATH = re.compile(r"nextresp\._\w+\.(\w+)")

autodoc_member_order = "bysource"
# Names as users import them (``api_handler``, ``ApiHandler``), never the private
# module a class lives in; no ``__new__`` that a class only inherits.
add_module_names = False
autodoc_default_options = {"exclude-members": "__new__"}
autodoc_typehints = "description"
# Defaults as written (``response_class=ApiResponse``), not as repr() shows them.
autodoc_preserve_defaults = True
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


class PublicPaths(SphinxTransform):
    """Point cross-references to private modules at the public path of the same name.

    Autodoc writes the type hints it renders with the module a class is written in
    (``nextresp._response.ApiResponse``), which a reader would see in the link's title
    and which changes as the code is reorganised; users import ``nextresp.ApiResponse``.
    """

    default_priority = 5  # before references are resolved

    def apply(self, **kwargs: object) -> None:
        for ref in self.document.findall(addnodes.pending_xref):
            target = ref.get("reftarget", "")
            match = PRIVATE_PATH.match(target)
            if match and match.group(1) in PUBLIC_MODULES:
                public = PUBLIC_MODULES[match.group(1)]
                ref["reftarget"] = f"{public}.{target[match.start(1) :]}"
            elif target in BUILTIN_NAMES and "refspecific" in ref:
                # ``type`` in ``type[ApiResponse]`` is the builtin, not ApiError.type,
                # which a search by suffix would otherwise link it to.
                del ref["refspecific"]


def setup(app: Sphinx) -> None:
    document_returned_classes_under_nextresp()
    app.add_post_transform(BreakNamesInTables)
    app.add_transform(PublicPaths)
