"""Stages 5 and 6: format the rendered files and write them out atomically."""
