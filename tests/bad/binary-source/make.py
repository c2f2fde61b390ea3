"""A binary file named like a document."""


def make(project):
    (project / "source" / "scan.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
