"""An image whose file is not there."""


def make(project):
    source = project / "source" / "shared-global-security.md"
    source.write_text(source.read_text() + "\n![The Forum's hall](images/boao-hall.jpg)\n")
