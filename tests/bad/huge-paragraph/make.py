"""A 5 MB paragraph (a pasted file, a lost blank line), starting on line 10."""

FRONT = (
    "---\ntitle: A Short Paper\nauthor: A. Writer\ndate: 2024-01-01\nlang: en\n---\n\nFirst.\n\n"
)


def make(project):
    sentence = "The security interests of every country are equal. "
    huge = sentence * (5_000_000 // len(sentence))
    (project / "source" / "shared-global-security.md").write_text(FRONT + huge + "\n")
