"""Front matter nested 500 levels deep (PyYAML composes recursively)."""

SOURCE = "source/shared-global-security.md"


def make(project):
    source = project / SOURCE
    text = source.read_text()
    source.write_text(text.replace("---\n", "---\nnotes: " + "[" * 500 + "]" * 500 + "\n", 1))
