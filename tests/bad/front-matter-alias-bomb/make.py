"""A "billion laughs" in the front matter, used as the subtitle: a billion strings expanded."""

SOURCE = "source/shared-global-security.md"


def make(project):
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        laughs.append(f"{level}: &{level} [{', '.join([f'*{previous}'] * 10)}]")
    source = project / SOURCE
    text = source.read_text()
    text = text.replace("---\n", "---\n" + "\n".join(laughs) + "\n", 1)
    source.write_text(text.replace("subtitle: A New Initiative for a Safer World", "subtitle: *j"))
