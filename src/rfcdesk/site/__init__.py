"""The published site: collect -> render -> write, and the live preview server."""
