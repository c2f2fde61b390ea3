"""Lists nested 500 deep."""

FRONT = "---\ntitle: A Short Paper\nauthor: A. Writer\ndate: 2024-01-01\nlang: en\n---\n\n"


def make(project):
    items = "\n".join("    " * depth + f"- level {depth}" for depth in range(500))
    (project / "source" / "shared-global-security.md").write_text(FRONT + items + "\n")
