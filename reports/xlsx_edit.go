package reports

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// rowTarget is one sheet row that gets summary cells.
type rowTarget struct {
	row     int
	vals    []string // in SummaryColumns order, cleaned; "" leaves the cell out
	present bool     // the sheet has a row element with this number (first pass)
	done    bool     // written (second pass)
}

// rowTargets are sorted by row, one entry per row.
type rowTargets []rowTarget

func (ts rowTargets) find(row int) *rowTarget {
	i, ok := slices.BinarySearchFunc(ts, row, func(t rowTarget, r int) int { return cmp.Compare(t.row, r) })
	if !ok {
		return nil
	}
	return &ts[i]
}

// collectTargets groups the results by sheet row: they come in any order
// and the sheet is written in row order. The header row is the first
// target; its values are filled in once the header has been read.
func collectTargets(results iter.Seq[PaymentResult], headerRow int, batchID string) (rowTargets, error) {
	ts := rowTargets{{row: headerRow}}
	for r := range results {
		if r.Payment == nil || r.Payment.Row <= headerRow {
			continue
		}
		if r.Payment.Row > maxSheetRows {
			return nil, fmt.Errorf("reports: summary row %d is beyond the last sheet row", r.Payment.Row)
		}
		vals := summaryValues(r, batchID)
		for i, v := range vals {
			vals[i] = cellText(v)
		}
		ts = append(ts, rowTarget{row: r.Payment.Row, vals: vals})
	}
	slices.SortStableFunc(ts, func(a, b rowTarget) int { return cmp.Compare(a.row, b.row) })
	// Two results for one row (never from the pipeline): the later one's
	// values win, as when each was set in turn.
	out := ts[:1]
	for _, t := range ts[1:] {
		last := &out[len(out)-1]
		if t.row != last.row {
			out = append(out, t)
			continue
		}
		for i, v := range t.vals {
			if v != "" {
				last.vals[i] = v
			}
		}
	}
	return out, nil
}

// cellText is v as a cell can hold it: without the characters XML forbids
// and cut to Excel's 32,767 UTF-16 units.
func cellText(v string) string {
	v = stripForbidden(v)
	units := 0
	for i, r := range v {
		units += utf16Len(r)
		if units > maxCellUTF16 {
			return v[:i]
		}
	}
	return v
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// sheetEdit rewrites a worksheet part as a stream of bytes: every byte of
// the input is copied unchanged, and summary cells (and rows, where a
// payment's row has no element) are inserted. Cells are inline strings
// with the namespace prefix of the row they go in; a cell that already
// sits where a summary value goes (it can only hold no value) is replaced,
// keeping its style, as excelize's SetCellStr did.
type sheetEdit struct {
	targets  rowTargets
	firstCol int   // column of the first summary column
	colStyle []int // style of each summary column from <cols>, 0 if none

	bw      *bufio.Writer
	scratch []byte
	ins     int // next target to consider for a missing row

	cur      *rowTarget // the target row being written
	prefix   string     // its namespace prefix ("x:" or "")
	rowStyle int        // its s attribute
	next     int        // its next summary column to write

	skipDepth int // > 0 while skipping a replaced cell: its depth
}

func newSheetEdit(targets rowTargets, firstCol int) *sheetEdit {
	return &sheetEdit{targets: targets, firstCol: firstCol, colStyle: make([]int, len(SummaryColumns))}
}

func (e *sheetEdit) rewrite(w io.Writer, r io.Reader) error {
	e.bw = bufio.NewWriterSize(w, 64<<10)
	x := newXMLTokens(r)
	var pos sheetPos
	sheetData, sdPrefix := false, ""
	for {
		t, err := x.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if e.skipDepth > 0 {
			if err := e.skip(&pos, t); err != nil {
				return err
			}
			continue
		}
		switch t.kind {
		case tokStart:
			kind, err := pos.open(t)
			if err != nil {
				return err
			}
			switch kind {
			case kDimension:
				e.dimension(t.raw)
				continue
			case kCol:
				e.colStyles(t.raw)
			case kSheetData:
				sheetData, sdPrefix = true, t.prefix()
				if t.empty {
					e.openEmpty(t.raw)
					e.missingRows(sdPrefix, math.MaxInt)
					e.endTag(sdPrefix, "sheetData")
					continue
				}
			case kRow:
				e.missingRows(sdPrefix, pos.row)
				if tg := e.targets.find(pos.row); tg != nil && !tg.done {
					e.startRow(t, tg)
					continue
				}
			case kCell:
				if e.cur != nil && e.cell(t, &pos) {
					continue
				}
			}
		case tokEnd:
			kind, err := pos.close()
			if err != nil {
				return err
			}
			switch kind {
			case kRow:
				if e.cur != nil {
					e.finishRow()
				}
			case kSheetData:
				e.missingRows(sdPrefix, math.MaxInt)
			}
		}
		e.bw.Write(t.raw)
	}
	if pos.depth != 0 {
		return errors.New("the sheet ends inside an element")
	}
	if !sheetData {
		return errors.New("the sheet has no sheetData")
	}
	return e.bw.Flush()
}

// skip drops the tokens of a replaced cell, keeping count of the depth.
func (e *sheetEdit) skip(pos *sheetPos, t xmlTok) error {
	switch t.kind {
	case tokStart:
		_, err := pos.open(t)
		return err
	case tokEnd:
		if _, err := pos.close(); err != nil {
			return err
		}
		if pos.depth < e.skipDepth {
			e.skipDepth = 0
		}
	}
	return nil
}

func (e *sheetEdit) startRow(t xmlTok, tg *rowTarget) {
	tg.done = true
	e.cur, e.prefix, e.next = tg, t.prefix(), 0
	e.rowStyle, _ = intAttr(t.raw, "s")
	if !t.empty {
		e.bw.Write(t.raw)
		return
	}
	e.openEmpty(t.raw)
	e.finishRow()
	e.endTag(e.prefix, "row")
}

// cell is called at each cell start tag of a target row: it writes the
// summary cells left of it, and reports whether it replaced this cell.
func (e *sheetEdit) cell(t xmlTok, pos *sheetPos) bool {
	n := len(e.cur.vals)
	for e.next < n && e.firstCol+e.next < pos.col {
		e.writeCell(e.next, 0)
		e.next++
	}
	if e.next >= n || e.firstCol+e.next != pos.col {
		return false
	}
	i := e.next
	e.next++
	if e.cur.vals[i] == "" {
		return false
	}
	style, _ := intAttr(t.raw, "s")
	e.writeCell(i, style)
	if !t.empty {
		e.skipDepth = pos.depth
	}
	return true
}

// finishRow writes the summary cells not yet written in the current row.
func (e *sheetEdit) finishRow() {
	for ; e.next < len(e.cur.vals); e.next++ {
		e.writeCell(e.next, 0)
	}
	e.cur = nil
}

// missingRows writes the target rows that have no row element and come
// before row: payment rows always have one in a workbook the reader read,
// but a header row can be missing, and not every writer keeps empty rows.
func (e *sheetEdit) missingRows(prefix string, before int) {
	for e.ins < len(e.targets) && e.targets[e.ins].row < before {
		tg := &e.targets[e.ins]
		e.ins++
		if tg.present || tg.done {
			continue
		}
		tg.done = true
		e.scratch = append(append(append(e.scratch[:0], '<'), prefix...), `row r="`...)
		e.scratch = append(strconv.AppendInt(e.scratch, int64(tg.row), 10), `">`...)
		e.bw.Write(e.scratch)
		e.cur, e.prefix, e.rowStyle, e.next = tg, prefix, 0, 0
		e.finishRow()
		e.endTag(prefix, "row")
	}
}

// writeCell writes summary column i of the current row if it has a value.
// Its style is the replaced cell's, else the row's, else the column's:
// what Excel gives a cell typed there.
func (e *sheetEdit) writeCell(i, style int) {
	v := e.cur.vals[i]
	if v == "" {
		return
	}
	if style == 0 {
		style = e.rowStyle
	}
	if style == 0 {
		style = e.colStyle[i]
	}
	b := append(append(e.scratch[:0], '<'), e.prefix...)
	b = appendCellRef(append(b, `c r="`...), e.firstCol+i, e.cur.row)
	b = append(b, '"')
	if style != 0 {
		b = append(strconv.AppendInt(append(b, ` s="`...), int64(style), 10), '"')
	}
	b = append(append(append(b, ` t="inlineStr"><`...), e.prefix...), `is><`...)
	b = append(append(b, e.prefix...), `t xml:space="preserve">`...)
	e.bw.Write(b)
	xml.EscapeText(e.bw, []byte(v)) // errors stick in bw
	b = append(append(append(b[:0], `</`...), e.prefix...), `t></`...)
	b = append(append(append(b, e.prefix...), `is></`...), e.prefix...)
	e.scratch = append(b, `c>`...)
	e.bw.Write(e.scratch)
}

// openEmpty writes a self-closing start tag as a start tag.
func (e *sheetEdit) openEmpty(raw []byte) {
	e.bw.Write(raw[:len(raw)-2])
	e.bw.WriteByte('>')
}

func (e *sheetEdit) endTag(prefix, local string) {
	e.bw.WriteString("</")
	e.bw.WriteString(prefix)
	e.bw.WriteString(local)
	e.bw.WriteByte('>')
}

// colStyles takes the style of the summary columns from a <col> element;
// the first one with a style wins, as in excelize.
func (e *sheetEdit) colStyles(raw []byte) {
	lo, ok1 := intAttr(raw, "min")
	hi, ok2 := intAttr(raw, "max")
	style, ok3 := intAttr(raw, "style")
	if !ok1 || !ok2 || !ok3 || style == 0 {
		return
	}
	for i := range e.colStyle {
		if c := e.firstCol + i; e.colStyle[i] == 0 && lo <= c && c <= hi {
			e.colStyle[i] = style
		}
	}
}

// dimension writes the <dimension> element with its range grown to cover
// the summary cells; a range it cannot read is left as it is.
func (e *sheetEdit) dimension(raw []byte) {
	v, start, end, ok := attr(raw, "ref")
	if !ok || len(e.targets) == 0 {
		e.bw.Write(raw)
		return
	}
	a, b, _ := bytes.Cut(v, []byte(":"))
	c1, r1, ok1 := parseCellRef(a)
	c2, r2, ok2 := c1, r1, ok1
	if len(b) > 0 {
		c2, r2, ok2 = parseCellRef(b)
	}
	if !ok1 || !ok2 {
		e.bw.Write(raw)
		return
	}
	c1, c2 = min(c1, c2, e.firstCol), max(c1, c2, e.firstCol+len(SummaryColumns)-1)
	r1, r2 = min(r1, r2, e.targets[0].row), max(r1, r2, e.targets[len(e.targets)-1].row)
	ref := appendCellRef(nil, c1, r1)
	ref = appendCellRef(append(ref, ':'), c2, r2)
	e.bw.Write(raw[:start])
	e.bw.Write(ref)
	e.bw.Write(raw[end:])
}
