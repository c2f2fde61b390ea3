"""A 5 MB paragraph (a pasted file, a lost blank line)."""


def make(project):
    source = project / "source" / "shared-global-security.md"
    sentence = "The security interests of every country are equal. "
    source.write_text(source.read_text() + "\n" + sentence * (5_000_000 // len(sentence)) + "\n")
