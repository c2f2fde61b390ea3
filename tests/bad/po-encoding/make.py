"""The catalog saved as GB18030 instead of UTF-8."""


def make(project):
    po = project / "translations" / "zh-Hans" / "shared-global-security.po"
    po.write_bytes(po.read_text(encoding="utf-8").encode("gb18030"))
