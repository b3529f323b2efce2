"""The OpenAPI test tree served with its document, for the live TypeScript test."""

from pathlib import Path

from nextresp import Cors, routes

TREE = Path(__file__).parent / "openapi_tree" / "api"

app = routes(
    TREE,
    openapi="/api/openapi.json",
    cors=Cors(["https://app.example.com"]),
)
