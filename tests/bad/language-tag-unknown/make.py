"""A language CLDR does not know."""


def make(project):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('languages = ["zh-Hans"]', 'languages = ["qq"]')
    )
