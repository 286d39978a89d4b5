"""One fuzz target under atheris (libFuzzer), coverage-guided over ogi's own code:

    python -m fuzz.one TARGET SEEDS_DIR CORPUS_DIR FINDINGS_DIR [libFuzzer flags...]

Exits non-zero with the crashing input saved under FINDINGS_DIR when the target raises anything but ReadError,
takes longer than -timeout on one input, or grows past -rss_limit_mb. `python -m fuzz` runs every target.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["ogi"]):
    import ogi.extract
    import ogi.grammar
    import ogi.readers
    import ogi.readers.decode
    import ogi.readers.html
    import ogi.readers.nesting
    import ogi.readers.pdf
    import ogi.readers.text
    import ogi.readers.word
    import ogi.segment  # noqa: F401

from fuzz.targets import run


def main() -> None:
    target, seeds, corpus, findings, *flags = sys.argv[1:]

    def one_input(data: bytes) -> None:
        run(target, data)

    atheris.Setup([sys.argv[0], *flags, f"-artifact_prefix={findings}/", corpus, seeds], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
