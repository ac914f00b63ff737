package reports

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Spreadsheet limits (Excel's, as excelize enforces them).
const (
	maxSheetCols  = 16384
	maxSheetRows  = 1048576
	maxCellUTF16  = 32767
	maxHeaderText = 4 << 10 // header cell text kept to compare with the summary column names
)

// elemKind is what an element of a worksheet is to the summary: the few
// it reads or edits, by their place in the tree; everything else is
// kOther and passes through.
type elemKind uint8

const (
	kOther elemKind = iota
	kRoot
	kDimension
	kCols
	kCol
	kSheetData
	kRow
	kCell
	kV
	kF
	kIs
	kIsT
	kRun
	kRunT
)

func childKind(parent elemKind, local []byte) elemKind {
	switch parent {
	case kRoot:
		switch string(local) {
		case "dimension":
			return kDimension
		case "cols":
			return kCols
		case "sheetData":
			return kSheetData
		}
	case kCols:
		if string(local) == "col" {
			return kCol
		}
	case kSheetData:
		if string(local) == "row" {
			return kRow
		}
	case kRow:
		if string(local) == "c" {
			return kCell
		}
	case kCell:
		switch string(local) {
		case "v":
			return kV
		case "f":
			return kF
		case "is":
			return kIs
		}
	case kIs:
		switch string(local) {
		case "t":
			return kIsT
		case "r":
			return kRun
		}
	case kRun:
		if string(local) == "t" {
			return kRunT
		}
	}
	return kOther
}

// sheetPos follows a walk through a worksheet part: the open elements and
// the current row and column, numbered as excelize's row iterator numbers
// them (the r attribute, else one past the previous), so that both passes
// of the summary and the reader that produced Payment.Row agree.
type sheetPos struct {
	stack    [16]elemKind // kinds of the innermost open elements; deeper ones are kOther
	depth    int
	row, col int
}

// open enters a start tag (and leaves it again if it is self-closing).
func (p *sheetPos) open(t xmlTok) (elemKind, error) {
	kind := kRoot
	if p.depth > 0 {
		parent := kOther
		if p.depth <= len(p.stack) {
			parent = p.stack[p.depth-1]
		}
		kind = childKind(parent, t.local())
	}
	switch kind {
	case kRow:
		if n, ok := intAttr(t.raw, "r"); ok && n != 0 {
			p.row = n
		} else {
			p.row++
		}
		p.col = 0
	case kCell:
		p.col++
		if v, _, _, ok := attr(t.raw, "r"); ok && len(v) > 0 {
			col, _, ok := parseCellRef(v)
			if !ok {
				return kind, fmt.Errorf("row %d: invalid cell reference %.20q", p.row, v)
			}
			p.col = col
		}
	}
	if !t.empty {
		if p.depth < len(p.stack) {
			p.stack[p.depth] = kind
		}
		p.depth++
	}
	return kind, nil
}

// close leaves the innermost element and returns its kind.
func (p *sheetPos) close() (elemKind, error) {
	if p.depth == 0 {
		return kOther, errors.New("an end tag without its start tag")
	}
	p.depth--
	if p.depth < len(p.stack) {
		return p.stack[p.depth], nil
	}
	return kOther, nil
}

// parseCellRef reads "AB12" (letters in either case, then digits).
func parseCellRef(b []byte) (col, row int, ok bool) {
	i := 0
	for ; i < len(b); i++ {
		c := b[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxSheetCols {
			return 0, 0, false
		}
	}
	if i == 0 || i == len(b) {
		return 0, 0, false
	}
	for _, c := range b[i:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		row = row*10 + int(c-'0')
		if row > maxSheetRows {
			return 0, 0, false
		}
	}
	return col, row, true
}

func appendCellRef(dst []byte, col, row int) []byte {
	var letters [4]byte
	i := len(letters)
	for col > 0 {
		col--
		i--
		letters[i] = byte('A' + col%26)
		col /= 26
	}
	dst = append(dst, letters[i:]...)
	return strconv.AppendInt(dst, int64(row), 10)
}

// sharedStrings is what the summary needs of the shared string table:
// which entries are empty (an empty string does not make a column used)
// and the text of the few the header row refers to.
type sharedStrings struct {
	part  *zip.File
	n     int
	empty []uint64 // bit i: entry i is ""
	text  map[int]string
}

func (s *sharedStrings) isEmpty(i int) bool { return s.empty[i/64]&(1<<(i%64)) != 0 }

// readSharedStrings streams the shared strings part once, keeping one bit
// per entry and the text of the entries in want. f may be nil.
func readSharedStrings(f *zip.File, want map[int]bool) (*sharedStrings, error) {
	s := &sharedStrings{part: f, text: map[int]string{}}
	if f == nil {
		return s, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	defer rc.Close()
	const (
		sOther = iota
		sRoot
		sSI
		sT // si/t or si/r/t: the text; si/rPh/t is phonetic, not part of it
		sRun
	)
	var stack [8]int
	depth := 0
	kindOf := func(local []byte) int {
		if depth == 0 {
			return sRoot
		}
		parent := sOther
		if depth <= len(stack) {
			parent = stack[depth-1]
		}
		switch {
		case parent == sRoot && string(local) == "si":
			return sSI
		case (parent == sSI || parent == sRun) && string(local) == "t":
			return sT
		case parent == sSI && string(local) == "r":
			return sRun
		}
		return sOther
	}
	var text []byte
	nonEmpty, keep := false, false
	endSI := func() {
		if s.n%64 == 0 {
			s.empty = append(s.empty, 0)
		}
		if !nonEmpty {
			s.empty[s.n/64] |= 1 << (s.n % 64)
		}
		if keep {
			s.text[s.n] = string(text)
		}
		s.n++
	}
	x := newXMLTokens(rc)
	for {
		t, err := x.next()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reports: read %s: %w", f.Name, err)
		}
		switch t.kind {
		case tokStart:
			k := kindOf(t.local())
			if k == sSI {
				nonEmpty, keep, text = false, want[s.n], text[:0]
				if t.empty {
					endSI()
				}
			}
			if !t.empty {
				if depth < len(stack) {
					stack[depth] = k
				}
				depth++
			}
		case tokEnd:
			if depth == 0 {
				return nil, fmt.Errorf("reports: read %s: end tag without its start tag", f.Name)
			}
			depth--
			if depth < len(stack) && stack[depth] == sSI {
				endSI()
			}
		case tokText, tokCDATA:
			if depth == 0 || depth > len(stack) || stack[depth-1] != sT {
				continue
			}
			raw := t.raw
			if t.kind == tokCDATA {
				raw = raw[len("<![CDATA[") : len(raw)-len("]]>")]
			}
			nonEmpty = nonEmpty || len(raw) > 0
			if keep && len(text) < maxHeaderText {
				if t.kind == tokCDATA {
					text = append(text, raw...)
				} else {
					text = appendUnescaped(text, raw)
				}
			}
		}
	}
}

// cellType is the t attribute of a cell as far as the summary cares:
// every other type has its value in v.
type cellType uint8

const (
	otherCell  cellType = iota
	sharedCell          // t="s": v is an index into the shared strings
	inlineCell          // t="inlineStr": the text is in is
)

// cellValue follows one cell while its element is read: whether it has a
// value or formula (which makes its column used, as in excelize's row
// iterator) and, on the header row, its text.
type cellValue struct {
	typ     cellType
	formula bool
	inline  bool   // has an is element
	v, is   []byte // decoded text of v and of is (t runs), kept up to a bound
	vLen    int    // undecoded length of v's text
	isLen   int
	keep    int // bytes of text to keep: enough for a shared string index, or the header bound
}

func (c *cellValue) reset(tag []byte, keep int) {
	*c = cellValue{v: c.v[:0], is: c.is[:0], keep: keep}
	switch typ, _, _, _ := attr(tag, "t"); string(typ) {
	case "s":
		c.typ = sharedCell
	case "inlineStr":
		c.typ = inlineCell
	}
}

func (c *cellValue) text(into elemKind, t xmlTok) {
	raw := t.raw
	if t.kind == tokCDATA {
		raw = raw[len("<![CDATA[") : len(raw)-len("]]>")]
	}
	add := func(dst []byte) []byte {
		if len(dst) >= c.keep {
			return dst
		}
		if t.kind == tokCDATA {
			return append(dst, raw...)
		}
		return appendUnescaped(dst, raw)
	}
	switch into {
	case kV:
		c.vLen += len(raw)
		c.v = add(c.v)
	case kIsT, kRunT:
		c.isLen += len(raw)
		c.is = add(c.is)
	}
}

// value reports whether the cell is used and, for the header, its text or
// its shared string index (-1 if none).
func (c *cellValue) value(sst *sharedStrings) (used bool, text string, sstIndex int) {
	switch {
	case c.typ == sharedCell && c.vLen > 0:
		i, err := strconv.Atoi(strings.TrimSpace(string(c.v)))
		if err != nil {
			i = 0 // as excelize reads it
		}
		if i >= 0 && i < sst.n {
			return !sst.isEmpty(i) || c.formula, "", i
		}
		return true, string(c.v), -1
	case c.typ == inlineCell && c.inline:
		return c.isLen > 0 || c.formula, string(c.is), -1
	default:
		return c.vLen > 0 || c.formula, string(c.v), -1
	}
}

// sheetFacts is what the first pass over the worksheet learns.
type sheetFacts struct {
	lastCol int      // last column holding a value or formula on any row
	header  []string // texts of the header row's cells
}

// scanSheet reads the worksheet once: the last used column, the header
// row's texts, and which target rows exist as row elements.
func scanSheet(r io.Reader, sst *sharedStrings, headerRow int, targets rowTargets) (sheetFacts, error) {
	var facts sheetFacts
	var (
		pos      sheetPos
		cell     cellValue
		inCell   bool
		headerAt []int // shared string index of header cells whose text is still to be looked up
	)
	endCell := func() {
		inCell = false
		used, text, si := cell.value(sst)
		if !used {
			return
		}
		facts.lastCol = max(facts.lastCol, pos.col)
		if pos.row != headerRow {
			return
		}
		if si >= 0 {
			headerAt = append(headerAt, si)
			return
		}
		facts.header = append(facts.header, text)
	}
	x := newXMLTokens(r)
	for {
		t, err := x.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return facts, err
		}
		switch t.kind {
		case tokStart:
			kind, err := pos.open(t)
			if err != nil {
				return facts, err
			}
			switch kind {
			case kRow:
				if tg := targets.find(pos.row); tg != nil {
					tg.present = true
				}
			case kCell:
				keep := 32
				if pos.row == headerRow {
					keep = maxHeaderText
				}
				cell.reset(t.raw, keep)
				inCell = true
				if t.empty {
					endCell()
				}
			case kF:
				cell.formula = true
			case kV:
				cell.v, cell.vLen = cell.v[:0], 0 // the last v counts
			case kIs:
				cell.inline = true
				cell.is, cell.isLen = cell.is[:0], 0
			}
		case tokEnd:
			kind, err := pos.close()
			if err != nil {
				return facts, err
			}
			if kind == kCell && inCell {
				endCell()
			}
		case tokText, tokCDATA:
			if inCell && pos.depth <= len(pos.stack) && pos.depth > 0 {
				cell.text(pos.stack[pos.depth-1], t)
			}
		}
	}
	if len(headerAt) > 0 {
		want := make(map[int]bool, len(headerAt))
		for _, i := range headerAt {
			want[i] = true
		}
		texts, err := readSharedStrings(sst.part, want)
		if err != nil {
			return facts, err
		}
		for _, i := range headerAt {
			facts.header = append(facts.header, texts.text[i])
		}
	}
	return facts, nil
}
