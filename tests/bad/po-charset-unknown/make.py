"""A header naming a charset that does not exist."""

PO = "translations/zh-Hans/shared-global-security.po"


def make(project):
    po = project / PO
    po.write_text(po.read_text().replace("charset=utf-8", "charset=klingon-8"))
