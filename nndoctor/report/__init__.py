"""Renderers: turn a Report into something to read. They never compute statistics."""
