"""Renderers: each turns an Edition into the bytes of one output format."""
