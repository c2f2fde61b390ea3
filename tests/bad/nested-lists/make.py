"""Lists nested 500 deep."""


def make(project):
    source = project / "source" / "shared-global-security.md"
    items = "\n".join("    " * depth + f"- level {depth}" for depth in range(500))
    source.write_text(source.read_text() + "\n" + items + "\n")
