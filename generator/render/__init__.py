"""Stage 4: plan the files of the generated package and render them with Jinja2."""
