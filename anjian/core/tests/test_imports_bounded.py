"""Every import reads an untrusted upload in bounded time and memory (core.xlsx and the CSV
reader of core.imports), and refuses a file beyond a bound with a message that says which."""

import io

import pytest

from anjian.core.imports import Column, ImportFileError, read_rows
from anjian.core.testing.files import minimal_xlsx, sheet
from anjian.core.xlsx import iter_xlsx_rows

COLUMNS = [Column("name", "名称", required=True), Column("code", "代码")]
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>代码</t></is></c></row>'


def rows_of(buf, name="x.xlsx"):
    return list(read_rows(buf, name, COLUMNS))


def test_an_ordinary_sheet_reads_as_before():
    # given a header and two data rows, one with a number and one empty row between
    xml = sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t> 甲 </t></is></c><c r="B2"><v>7.0</v></c></row>'
                '<row r="3"/><row r="4"><c r="A4" t="inlineStr"><is><t>乙</t></is></c></row>')
    # then the rows keep their sheet numbers, texts are stripped and whole numbers lose ".0"
    assert rows_of(minimal_xlsx(xml)) == [(2, {"name": "甲", "code": "7"}), (4, {"name": "乙", "code": ""})]


def test_unclosed_row_tags_are_refused_in_linear_time():
    # given a sheet of 200,000 row tags that never close (the old reader rescanned to the end of
    # the sheet for every one of them: hours for this file)
    xml = sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c>' * 200_000)
    # when it is read, then it is refused (and promptly: no byte is searched more than twice)
    with pytest.raises(ImportFileError):
        rows_of(minimal_xlsx(xml))


def test_tags_that_look_like_a_row_without_end():
    # "<row<row…" holds no row at all; "<row <row …" is a row tag that never ends
    assert rows_of(minimal_xlsx(sheet(HEADER + "<row" * 300_000))) == []
    with pytest.raises(ImportFileError):
        rows_of(minimal_xlsx(sheet(HEADER + "<row " * 300_000)))


def test_a_huge_row_is_refused_before_it_is_held(settings):
    # given the row bound at 64 KB and one row of 8 MB (it compresses to a few KB)
    settings.ANJIAN_IMPORT_MAX_ROW_KB = 64
    big = "x" * (8 << 20)
    xml = sheet(HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{big}</t></is></c></row>')
    buf = minimal_xlsx(xml)
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(ImportFileError, match="Row 2|第 2 行|2"):
        rows_of(buf)


def test_decompressed_size_is_bounded(settings):
    # given a worksheet that decompresses to more than the bound (1 MB here)
    settings.ANJIAN_IMPORT_MAX_XML_MB = 1
    row = '<row><c r="A{n}" t="inlineStr"><is><t>企业</t></is></c></row>'
    xml = sheet(HEADER + "".join(row.format(n=n) for n in range(2, 40_000)))
    assert len(xml) > 1 << 20
    with pytest.raises(ImportFileError, match="MB"):
        rows_of(minimal_xlsx(xml))


def test_a_long_cell_is_refused_naming_row_and_column():
    long = "长" * 40_000
    xml = sheet(HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c>'
                f'<c r="B2" t="inlineStr"><is><t>{long}</t></is></c></row>')
    with pytest.raises(ImportFileError) as exc:
        rows_of(minimal_xlsx(xml))
    assert "2" in str(exc.value) and "B" in str(exc.value)


@pytest.mark.parametrize("ref", ["AAAAAAAA2", "XFD2", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ2"])
def test_far_columns_cannot_grow_a_row(ref):
    # given a cell with text far to the right (the general path, because of the formula)
    xml = sheet(HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c>'
                f'<c r="{ref}" t="str"><f>1</f><v>x</v></c></row>')
    # then the file is refused (no MemoryError, no list of millions of cells)
    with pytest.raises(ImportFileError):
        rows_of(minimal_xlsx(xml))


def test_far_empty_cells_are_ignored():
    # whole-row formatting writes empty cells up to the last column: they are not data
    xml = sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="XFD2" s="1"/></row>')
    assert rows_of(minimal_xlsx(xml)) == [(2, {"name": "甲", "code": ""})]


def test_row_count_is_bounded(settings):
    settings.ANJIAN_IMPORT_MAX_ROWS = 3
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>企业{n}</t></is></c></row>' for n in range(2, 7))
    with pytest.raises(ImportFileError, match="3"):
        rows_of(minimal_xlsx(sheet(HEADER + body)))
    csv_text = "名称,代码\n" + "".join(f"企业{n},{n}\n" for n in range(5))
    with pytest.raises(ImportFileError, match="3"):
        rows_of(io.BytesIO(csv_text.encode()), "x.csv")


def test_csv_cell_over_the_csv_module_limit_is_a_clear_refusal():
    # given a CSV cell of 131,073 characters (the csv module's own limit raised csv.Error)
    text = "名称,代码\n甲," + "9" * 131_073 + "\n"
    with pytest.raises(ImportFileError) as exc:
        rows_of(io.BytesIO(text.encode()), "x.csv")
    assert "2" in str(exc.value)


def test_csv_reads_utf8_and_gb18030():
    assert rows_of(io.BytesIO("名称,代码\n甲,1\n".encode("gb18030")), "x.csv") == [(2, {"name": "甲", "code": "1"})]
    assert rows_of(io.BytesIO("\ufeff名称,代码\n乙,2\n".encode()), "x.csv") == [(2, {"name": "乙", "code": "2"})]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04garbage", b"not a zip at all"])
def test_garbage_is_unreadable(content):
    with pytest.raises(ImportFileError):
        list(iter_xlsx_rows(io.BytesIO(content)))


def test_a_lying_zip_header_cannot_exceed_the_bound(settings):
    # given a member whose declared size is small but whose data inflates past the bound
    import zipfile

    settings.ANJIAN_IMPORT_MAX_XML_MB = 1
    xml = sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "y" * (3 << 20) + "</t></is></c></row>")
    buf = minimal_xlsx(xml)
    data = bytearray(buf.getvalue())
    # patch the uncompressed size in the central directory entry of the sheet to 1000 bytes
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = z.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 1 << 20
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02", 0)
    while at >= 0:
        n = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + n] == name:
            data[at + 24:at + 28] = (1000).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    with pytest.raises(ImportFileError):
        rows_of(io.BytesIO(bytes(data)))
