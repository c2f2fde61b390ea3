"""A POSIX locale name where a BCP 47 tag belongs."""


def make(project):
    source = project / "source" / "shared-global-security.md"
    source.write_text(source.read_text().replace("lang: en\n", "lang: en_US.UTF-8\n"))
