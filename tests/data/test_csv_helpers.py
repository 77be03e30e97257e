"""The strict CSV helpers (gazex_bench.data._csv): row/field numbering and edge cases."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from gazex_bench.data._csv import find_variant, parse_table, read_table
from gazex_bench.errors import DataFormatError

P = Path("t.csv")


def test_bom_blank_lines_quotes_and_crlf() -> None:
    t = parse_table(P, '\ufeffa, b\r\n1,"x, y"\r\n\r\n2,"multi\r\nline"\r\n', multiline=("b",))
    assert t.header == ("a", "b")
    assert t.rows == [["1", "x, y"], ["2", "multi\r\nline"]]
    assert t.row_numbers == [1, 3]  # the blank line still counts
    np.testing.assert_array_equal(t.floats("a"), [1.0, 2.0])


def test_unbalanced_quote_is_caught_at_its_row() -> None:
    # The csv module lets an unclosed '"' swallow every following line into one field
    # (no error even at end of file): 3 data rows would silently become 1.
    text = 'id,q,a\n1,fine,yes\n2,"broken,no\n3,other,yes\n4,last,no\n'
    with pytest.raises(DataFormatError, match=r"t.csv, row 2, field 'q': unbalanced quote.*3 lines"):
        parse_table(P, text)
    with pytest.raises(DataFormatError, match=r"row 1, field 'b': unbalanced quote"):
        parse_table(P, 'a,b\n1,"multi\nline"\n')  # a line break in a column not declared multiline


def test_typed_cells_and_errors() -> None:
    t = parse_table(P, "n,f,b\n3.0,,True\n-1,2.5,false\n")
    assert (
        t.integer(0, "n") == 3 and t.number(0, "f", allow_empty=True) is None and t.boolean(1, "b") is False
    )
    np.testing.assert_array_equal(t.floats("f", allow_empty=True), [np.nan, 2.5])
    with pytest.raises(DataFormatError, match=r"t.csv, row 2, field 'n': value -1 out of range \[0, inf\]"):
        t.integer(1, "n", lo=0)
    with pytest.raises(DataFormatError, match=r"row 1, field 'f': empty value"):
        t.floats("f")
    t2 = parse_table(P, "n\n3.5\ninf\n")
    with pytest.raises(DataFormatError, match="expected an integer, got '3.5'"):
        t2.integer(0, "n")
    with pytest.raises(DataFormatError, match=r"row 2, field 'n': expected a finite number"):
        t2.floats("n")


def test_schema_errors() -> None:
    t = parse_table(P, "dicom_id,splt\n1,train\n")
    with pytest.raises(DataFormatError, match="missing column 'split' \\(found 'splt' - misspelt\\?\\)"):
        t.require(("dicom_id", "split"))
    t = parse_table(P, "a,b,c\n1,2,3\n")
    with pytest.raises(DataFormatError, match="unexpected column 'c'"):
        t.require(("a", "b"), extra=False)
    with pytest.raises(DataFormatError, match="row 1: too many fields"):
        parse_table(P, "a,b\n1,2,3\n")
    with pytest.raises(DataFormatError, match="empty file"):
        parse_table(P, "")


def test_gz_and_variants(tmp_path: Path) -> None:
    (tmp_path / "x.csv.gz").write_bytes(gzip.compress(b"a\n\xe9\n"))
    with pytest.raises(DataFormatError, match=r"x.csv.gz, row 1: not valid UTF-8"):
        read_table(find_variant(tmp_path, ["x.csv"]))
    with pytest.raises(DataFormatError, match="looked for y.csv"):
        find_variant(tmp_path, ["y.csv"])
