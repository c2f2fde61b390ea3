"""A misspelt key in [tool.folio]."""


def make(project):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("languages = ", "lanugages = "))
