"""Text-layer PDF: table cells rebuilt from ruling lines and character positions (pypdfium2).

Each table's rows are the bands between its horizontal rulings; a row's cells are bounded by the vertical
rulings that cross that band, so a merged cell is one cell and a label printed over several lines stays one
cell. Characters outside tables become lines of text. Pages follow each other in one token stream, so a
table continued on the next page reads on, and a label split by the page break still matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ogi.printed import DASH_CHARS, ITEM_NUMBER, VALUE
from ogi.readers.document import Document, ReadError, Token, TokenKind, Tokens

MAX_PAGES = 2000
SCANNED_CHARS = 20  # a page with fewer text-layer characters than this is a scan (or empty)
_TOL = 2.0  # points: rulings closer than this are one
_VALUE_CELL = re.compile(rf"^\s*(?:{VALUE.pattern})\s*$")
# a label's item number, or one OCR read without its stop (5 before the label's words): it opens a row, never
# continues one
_ROW_START = re.compile(rf"\s*(?:{ITEM_NUMBER.pattern}|\d{{1,2}}\s*[\u4e00-\u9fff])")
_SAME_COLUMN = 6.0  # points: rulings this close on two pages are one column's
_SHIFT = 36.0  # points: a table continued on the next page stands this far to the side at most (a scan's margin)
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/共]\s*\d+\s*页?)?[-—–\s]*$")


@dataclass
class _Char:
    ch: str
    cx: float
    cy: float
    left: float
    right: float
    height: float


@dataclass
class _Table:
    left: float
    bottom: float
    right: float
    top: float
    hs: list[tuple[float, float, float]]  # (y, x0, x1)
    vs: list[tuple[float, float, float]]  # (x, y0, y1)

    def contains(self, x: float, y: float) -> bool:
        return self.left - _TOL <= x <= self.right + _TOL and self.bottom - _TOL <= y <= self.top + _TOL


def _segments(page) -> tuple[list, list]:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    hs, vs = [], []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=5):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if w < 3 and h >= 3:
            vs.append(((left + right) / 2, bottom, top))
        elif h < 3 and w >= 3:
            hs.append(((bottom + top) / 2, left, right))
        elif w >= 3 and h >= 3 and w * h < 0.5 * width * height:
            hs += [(bottom, left, right), (top, left, right)]
            vs += [(left, bottom, top), (right, bottom, top)]
    return hs, vs


def _tables(hs: list, vs: list) -> list[_Table]:
    """Group rulings that touch into tables; a table needs two rulings each way."""
    boxes = [(x0, y, x1, y) for y, x0, x1 in hs] + [(x, y0, x, y1) for x, y0, y1 in vs]
    parent = list(range(len(boxes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    for a_pos, a in enumerate(order):
        ax0, ay0, ax1, ay1 = boxes[a]
        for b in order[a_pos + 1 :]:
            bx0, by0, bx1, by1 = boxes[b]
            if bx0 > ax1 + _TOL:
                break
            if by0 <= ay1 + _TOL and ay0 <= by1 + _TOL:
                parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(find(i), []).append(i)
    tables = []
    n_h = len(hs)
    for members in groups.values():
        g_hs = [hs[i] for i in members if i < n_h]
        g_vs = [vs[i - n_h] for i in members if i >= n_h]
        if len(g_hs) < 2 or len(g_vs) < 2:
            continue
        xs = [b for i in members for b in (boxes[i][0], boxes[i][2])]
        ys = [b for i in members for b in (boxes[i][1], boxes[i][3])]
        tables.append(_Table(min(xs), min(ys), max(xs), max(ys), g_hs, g_vs))
    return tables


def _merge(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into lines, top to bottom: a character joins the line whose centre is within half
    its height."""
    lines: list[list[_Char]] = []
    centres: list[float] = []
    for ch in sorted(chars, key=lambda c: -c.cy):
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            if abs(centres[i] - ch.cy) <= ch.height * 0.5:
                lines[i].append(ch)
                break
        else:
            lines.append([ch])
            centres.append(ch.cy)
    return lines


def _text(chars: list[_Char]) -> str:
    """Characters of one cell or line region: lines top to bottom, a space where a gap shows one."""
    if not chars:
        return ""
    parts = []
    lines = _lines(chars)
    for line in lines:
        line.sort(key=lambda c: c.left)
        out, prev = [], None
        for ch in line:
            if prev is not None and ch.left - prev.right > max(ch.height, 4) * 0.6:
                out.append(" ")
            out.append(ch.ch)
            prev = ch
        parts.append("".join(out))
    text = parts[0]
    for part in parts[1:]:  # a dash run a narrow cell wraps (—— as —/—) is one dash run again
        text += part if text[-1:] in DASH_CHARS and part[:1] in DASH_CHARS else " " + part
    return text


def _table_tokens(table: _Table, chars: list[_Char], page_no: int) -> list[Token]:
    ys = _merge([y for y, _, _ in table.hs])[::-1]  # top to bottom
    tokens: list[Token] = []
    rows: list[list[tuple[float, float, list[_Char]]]] = []
    for top, bottom in zip(ys, ys[1:]):
        mid = (top + bottom) / 2
        xs = _merge([x for x, y0, y1 in table.vs if y0 - _TOL <= mid <= y1 + _TOL])
        rows.append([(x0, x1, []) for x0, x1 in zip(xs, xs[1:])])
    for ch in chars:
        for (top, bottom), cells in zip(zip(ys, ys[1:]), rows):
            if bottom <= ch.cy <= top:
                for x0, x1, bucket in cells:
                    if x0 <= ch.cx <= x1:
                        bucket.append(ch)
                        break
                break
    _join_merged_cells(table, ys, rows)
    # a table's last row of several cells, all empty, is a row printed blank (表四's value row under its header, or
    # alone on a page); otherwise a row without characters is only the space between rulings
    last = len(rows) - 1
    for i, cells in enumerate(rows):
        if not any(bucket for _, _, bucket in cells) and not (i == last and len(cells) > 1):
            continue
        tokens.extend(Token(TokenKind.CELL, _text(bucket), page_no) for _, _, bucket in cells)
        tokens.append(Token(TokenKind.ROW_END, page=page_no))
    tokens.append(Token(TokenKind.TABLE_END, page=page_no))
    return tokens


def _join_merged_cells(table: _Table, ys: list[float], rows: list[list[tuple[float, float, list[_Char]]]]) -> None:
    """A cell merged over rows (no ruling between them across it) whose lines fall in more than one of them is
    read whole in its first row, as 结果维持 and not 结果 above 维持; a merged cell's text in one row stays where
    it is."""
    for i in range(len(rows) - 1, 0, -1):
        for x0, x1, bucket in rows[i]:
            if not bucket:
                continue
            middle = (x0 + x1) / 2
            if any(abs(y - ys[i]) <= _TOL and a - _TOL <= middle <= b + _TOL for y, a, b in table.hs):
                continue  # a ruling parts it from the row above
            above = next((cell for cell in rows[i - 1] if cell[0] - _TOL <= middle <= cell[1] + _TOL), None)
            if above is not None and above[2] and abs(above[0] - x0) <= _TOL and abs(above[1] - x1) <= _TOL:
                above[2].extend(bucket)
                bucket.clear()


def _line_tokens(chars: list[_Char], page_no: int, page_height: float) -> list[tuple[float, list[Token]]]:
    out = []
    for line in _lines(chars):
        text = _text(line)
        y = line[0].cy
        margin = y < page_height * 0.08 or y > page_height * 0.92
        if margin and PAGE_NUMBER.match(text):
            continue
        out.append((y, [Token(TokenKind.LINE, text, page_no)]))
    return out


def _chars(textpage) -> list[_Char]:
    n = textpage.count_chars()
    text = textpage.get_text_range(0, n) if n else ""
    per_index = len(text) == n
    out = []
    for i in range(n):
        ch = text[i] if per_index else textpage.get_text_range(i, 1)
        if not ch or ch.isspace():
            continue
        # loose boxes span the font's ascent and descent, so a line's characters share one vertical extent
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        out.append(_Char(ch, (left + right) / 2, (bottom + top) / 2, left, right, max(top - bottom, 1.0)))
    return out


def _page_tokens(page, page_no: int) -> tuple[list[Token], int]:
    textpage = page.get_textpage()
    chars = _chars(textpage)
    _, height = page.get_size()
    tables = _tables(*_segments(page))
    placed: list[tuple[float, list[Token]]] = []
    free = []
    in_table: dict[int, list[_Char]] = {i: [] for i in range(len(tables))}
    for ch in chars:
        for i, table in enumerate(tables):
            if table.contains(ch.cx, ch.cy):
                in_table[i].append(ch)
                break
        else:
            free.append(ch)
    for i, table in enumerate(tables):
        placed.append((table.top, _table_tokens(table, in_table[i], page_no)))
    placed.extend(_line_tokens(free, page_no, height))
    placed.sort(key=lambda item: -item[0])
    return [token for _, tokens in placed for token in tokens], len(chars)


def _last_row(tokens: list[Token]) -> list[Token] | None:
    """The cells of the row that ends the token list, when it ends with a table."""
    if len(tokens) < 2 or tokens[-1].kind is not TokenKind.TABLE_END or tokens[-2].kind is not TokenKind.ROW_END:
        return None
    start = len(tokens) - 2
    while start > 0 and tokens[start - 1].kind is TokenKind.CELL:
        start -= 1
    return tokens[start : len(tokens) - 2]


def _before_page_numbers(tokens: list[Token]) -> list[Token]:
    """The tokens up to the lines that end them holding a page number alone: a scan's page number in the side
    margin, under a table's last row, does not end the table."""
    end = len(tokens)
    while end > 0 and tokens[end - 1].kind is TokenKind.LINE and PAGE_NUMBER.match(tokens[end - 1].text.strip()):
        end -= 1
    return tokens[:end] if end < len(tokens) else tokens


def _is_value(text: str) -> bool:
    return _VALUE_CELL.match(unicodedata.normalize("NFKC", text)) is not None


def _label_columns(tokens: list[Token], width: int) -> set[int]:
    """The columns of the table that ends the token list, above its last row, that hold labels: in its rows
    of `width` cells, more words than values."""
    rows: list[list[Token]] = []
    end = len(tokens) - 2  # the last row's ROW_END is at end, the TABLE_END after it
    while end > 0 and tokens[end - 1].kind is TokenKind.CELL:
        end -= 1
    row: list[Token] = []
    for token in reversed(tokens[:end]):
        if token.kind is TokenKind.CELL:
            row.append(token)
        elif token.kind is TokenKind.ROW_END:
            if row:
                rows.append(row[::-1])
            row = []
        else:
            break
    if row:
        rows.append(row[::-1])
    out = set()
    for c in range(width):
        texts = [r[c].text for r in rows if len(r) == width and r[c].text]
        words = sum(not _is_value(t) for t in texts)
        if words > len(texts) - words:
            out.add(c)
    return out


def _join_split_row(
    previous: list[Token],
    page: list[Token],
    noise: dict[int, float] | None = None,
    boxes: dict[int, tuple[float, float, float, float]] | None = None,
) -> list[Token]:
    """A row broken by the page break: its first part ends the previous page with the numbers, the rest of
    its labels opens this page in an otherwise empty row. Join the text into the previous row's cells.
    A repeated header row has text where the previous row has numbers, and is left alone. `noise`: for the
    cells OCR read as values without being sure, how sure (specks in an empty cell read as a digit): read as
    empty under a cell holding its value, and anywhere when weak. `boxes`: where OCR'd cells lie on their
    page, by id: the two parts' cells are paired by the columns they stand in where the two rows do not have
    as many cells (a ruling the scan lost on one page merges two of its cells)."""
    noise = noise or {}
    previous = _before_page_numbers(previous)
    last = _last_row(previous)
    if last is None or not page or page[0].kind is not TokenKind.CELL:
        return page
    end = 0
    while end < len(page) and page[end].kind is TokenKind.CELL:
        end += 1
    if end >= len(page) or page[end].kind is not TokenKind.ROW_END:
        return page
    first = page[:end]
    under = list(range(len(first))) if len(first) == len(last) else _columns_under(last, first, boxes or {})
    if under is None:
        return page
    # under a cell that holds its value already, an unsure reading is not a second value; a weak one is
    # not a value anywhere (specks read as a digit)
    first = [
        Token(b.kind, "", b.page) if noise.get(id(b), 1.0) < (1.0 if last[c].text else 0.5) else b
        for c, b in zip(under, first)
    ]
    # rows paired by their places are one row's parts only where words continue words: columns of labels
    # are known by rows of the last row's width
    labels = _label_columns(previous, len(last)) if len(first) == len(last) else set()
    for c, below in zip(under, first):  # a value (a number, a dash, a slash) never continues a cell; in a
        # column of labels, one that reads as a number is the item number printed on a line of its own
        # (4. above the label's rest: 保护第三方合法权益)
        above = last[c]
        if below.text and (_is_value(below.text) or (_is_value(above.text) and c not in labels)):
            return page
    if not any(cell.text for cell in first):
        return page
    if any(_ROW_START.match(unicodedata.normalize("NFKC", cell.text)) for cell in first if cell.text):
        return page  # a row of its own, its values printed blank (5、属于三类内部事务信息 under 4、保护第三方…)
    joined = []
    for c, above in enumerate(last):
        rests = [below.text for d, below in zip(under, first) if d == c and below.text]
        joined.append(_continued(above.text, rests) if rests else above.text)
    if None in joined:
        return page
    for above, text in zip(last, joined):
        above.text = text
    return page[end + 1 :]


def _columns_under(last: list[Token], first: list[Token], boxes: dict) -> list[int] | None:
    """For each cell of `first` (a page's first row), the cell of `last` (the previous page's last row) whose
    column it stands in, by their boxes; None when a cell has no box, the two rows do not span one table, or
    a cell with text spans more than one cell above (a heading across the table is no cell's rest)."""
    if not all(id(t) in boxes for t in (*last, *first)):
        return None
    above = [boxes[id(t)] for t in last]
    shift = boxes[id(first[0])][0] - above[0][0]  # a page scanned further to the side
    below = [(box[0] - shift, box[2] - shift) for box in (boxes[id(t)] for t in first)]
    if abs(shift) > _SHIFT or abs(above[-1][2] - below[-1][1]) > _SAME_COLUMN:
        return None
    under = []
    for token, (left, right) in zip(first, below):
        middle = (left + right) / 2
        c = next((c for c, box in enumerate(above) if box[0] <= middle < box[2]), None)
        if c is None:
            return None
        if token.text and (left < above[c][0] - _SAME_COLUMN or right > above[c][2] + _SAME_COLUMN):
            return None
        under.append(c)
    return under


def _continued(text: str, rests: list[str]) -> str | None:
    """A cell's text continued by the rests of the cells of the next page under it. A cell merged over two
    columns (the ruling between them lost on this page) holds both columns' labels, each opening with its
    item number ((三) 1.属): each part is continued by the rest in its own column. None where several rests
    fall under a cell that does not show which part each continues (a header's cells the grid merged on one
    page and not on the other: 结|其|尚|总 over 果维持, 果纠正, …)."""
    if len(rests) == 1:
        return f"{text} {rests[0]}".strip()
    printed = unicodedata.normalize("NFKC", text)
    starts = [m.start() for m in ITEM_NUMBER.finditer(printed)] if len(printed) == len(text) else []
    if len(starts) != len(rests) or starts[0] != 0:
        return None
    parts = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)])]
    return " ".join(f"{part} {rest}" for part, rest in zip(parts, rests))


def read_pdf(data: bytes, source: str, ocr: bool = True) -> Document:
    """The PDF's tokens: text-layer pages as they are, scanned pages by OCR where they hold a table
    (ogi.ocr.scanned says which). `ocr=False`: a document that needs OCR raises a `needs_ocr` ReadError."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ReadError("encrypted PDF: a password is needed to open it") from None
        raise ReadError(f"corrupt or truncated PDF ({message})") from None
    try:
        pages = len(pdf)
        if pages == 0:
            raise ReadError("PDF has no pages")
        if pages > MAX_PAGES:
            raise ReadError(f"PDF has {pages} pages, more than the {MAX_PAGES} read")
        per_page: list[list[Token]] = []
        scanned: list[int] = []
        for index in range(pages):
            try:
                page_tokens, page_chars = _page_tokens(pdf[index], index + 1)
            except pdfium.PdfiumError as exc:  # the document opened, but this page's objects are damaged
                raise ReadError(f"corrupt PDF: page {index + 1} of {pages} cannot be read ({exc})") from None
            per_page.append(page_tokens)
            if page_chars < SCANNED_CHARS:
                scanned.append(index)
        scan = None
        if scanned:
            from ogi.ocr.scanned import read_scanned

            scan = read_scanned(pdf, scanned, len(scanned) < pages, source, ocr)
            for index, page_text in scan.pages.items():
                per_page[index] = page_text.tokens
        noise = scan.noise() if scan is not None else {}
        boxes = scan.boxes() if scan is not None else {}
        tokens: list[Token] = []
        for page_tokens in per_page:
            tokens.extend(_join_split_row(tokens, page_tokens, noise, boxes))
        doc = Document(source, "pdf", Tokens.of(tokens), pages=pages)
        if scan is not None and scan.pages:
            scan.attach(doc, tokens)
        return doc
    finally:
        pdf.close()
