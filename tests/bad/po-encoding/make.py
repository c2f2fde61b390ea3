"""The catalog saved as GB18030 instead of UTF-8 (the Chinese starts on line 6)."""

TEXT = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "Conclusion"\nmsgstr "结语"\n'
)


def make(project):
    po = project / "translations" / "zh-Hans" / "shared-global-security.po"
    po.write_bytes(TEXT.encode("gb18030"))
