package reports

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Limits of the parts of an input workbook the summary reads. The
// pipeline has already let the workbook through parser/xlsx's zip-bomb
// checks; these keep WriteSummaryXLSX safe on its own. archive/zip fails a
// part that inflates past its declared size, so the declared size bounds
// the work, and the summary's memory does not depend on it.
const (
	maxWorkbookBytes = 64 << 20  // a spooled input that is not an io.ReaderAt (xlsx.MaxFileBytes)
	maxPartBytes     = 512 << 20 // any part inflated (the XLSX reader's limit for the whole workbook)
	maxSmallPart     = 16 << 20  // the workbook and relationship parts, read whole
)

// xlsxPackage is what the summary needs of the input's zip: the worksheet
// part the payments came from and the shared strings.
type xlsxPackage struct {
	zr    *zip.Reader
	sheet *zip.File
	sst   *zip.File // nil when the workbook has none
}

// openXLSXPackage resolves sheet ("" for the first) to its part as
// excelize does: the workbook part named by _rels/.rels, the sheet's r:id
// in it, the target of that id in the workbook's relationships.
func openXLSXPackage(ra io.ReaderAt, size int64, sheet string) (*xlsxPackage, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("reports: open input workbook: %w", err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		name := strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/")
		if _, dup := files[name]; !dup {
			files[name] = f
		}
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(files, "_rels/.rels"); err != nil {
		return nil, err
	} else {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(path.Clean("/"+r.Target), "/")
				break
			}
		}
	}
	sheets, err := readSheets(files, wbPath)
	if err != nil {
		return nil, err
	}
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: the workbook has no sheets", ErrSheet)
	}
	pick := -1
	if sheet == "" {
		pick = 0
	}
	for i := range sheets {
		if pick < 0 && sheets[i].name == sheet {
			pick = i
		}
	}
	for i := range sheets {
		if pick < 0 && strings.EqualFold(sheets[i].name, sheet) {
			pick = i
		}
	}
	if pick < 0 {
		return nil, fmt.Errorf("%w: %q", ErrSheet, sheet)
	}
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	rels, err := readRels(files, relsPath)
	if err != nil {
		return nil, err
	}
	resolve := func(target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(path.Clean(target), "/")
		}
		return strings.TrimPrefix(path.Clean("/"+path.Dir(wbPath)+"/"+target), "/")
	}
	p := &xlsxPackage{zr: zr}
	for _, r := range rels {
		if r.ID == sheets[pick].rid && p.sheet == nil {
			p.sheet = files[resolve(r.Target)]
		}
		if strings.HasSuffix(r.Type, "/sharedStrings") && p.sst == nil {
			p.sst = files[resolve(r.Target)]
		}
	}
	if p.sheet == nil {
		return nil, fmt.Errorf("%w: %q has no worksheet part", ErrSheet, sheets[pick].name)
	}
	for _, f := range []*zip.File{p.sheet, p.sst} {
		if f != nil && f.UncompressedSize64 > maxPartBytes {
			return nil, fmt.Errorf("reports: input workbook part %s unpacks to more than %d MiB", f.Name, maxPartBytes>>20)
		}
	}
	return p, nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels reads a relationships part; a missing part has none.
func readRels(files map[string]*zip.File, name string) ([]relationship, error) {
	f := files[name]
	if f == nil {
		return nil, nil
	}
	var doc struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := decodeSmallPart(f, &doc); err != nil {
		return nil, err
	}
	return doc.Rels, nil
}

type workbookSheet struct{ name, rid string }

// readSheets lists the workbook's sheets in order with their r:id. The
// relationship namespace differs between transitional and strict OOXML,
// so any namespaced "id" attribute is taken.
func readSheets(files map[string]*zip.File, wbPath string) ([]workbookSheet, error) {
	f := files[wbPath]
	if f == nil {
		return nil, fmt.Errorf("reports: input workbook has no %s", wbPath)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, maxSmallPart))
	var out []workbookSheet
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reports: read %s: %w", f.Name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "sheet" {
			continue
		}
		var s workbookSheet
		for _, a := range se.Attr {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				s.name = a.Value
			case a.Name.Local == "id" && a.Name.Space != "":
				s.rid = a.Value
			}
		}
		out = append(out, s)
	}
}

func decodeSmallPart(f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.LimitReader(rc, maxSmallPart)).Decode(v); err != nil {
		return fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	return nil
}

// readerAt gives random access to the input, which a zip needs: files and
// in-memory readers have it; anything else is spooled to a temporary file.
func readerAt(r io.Reader) (ra io.ReaderAt, size int64, done func(), err error) {
	done = func() {}
	if sr, ok := r.(interface {
		io.ReaderAt
		Size() int64
	}); ok {
		return sr, sr.Size(), done, nil
	}
	if rs, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		size, err := rs.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, 0, done, fmt.Errorf("reports: size of input workbook: %w", err)
		}
		return rs, size, done, nil
	}
	tmp, err := os.CreateTemp("", "paybatch-summary-*.xlsx")
	if err != nil {
		return nil, 0, done, fmt.Errorf("reports: spool input workbook: %w", err)
	}
	done = func() { tmp.Close(); os.Remove(tmp.Name()) }
	size, err = io.Copy(tmp, io.LimitReader(r, maxWorkbookBytes+1))
	if err == nil && size > maxWorkbookBytes {
		err = fmt.Errorf("larger than %d MiB", maxWorkbookBytes>>20)
	}
	if err != nil {
		done()
		return nil, 0, func() {}, fmt.Errorf("reports: spool input workbook: %w", err)
	}
	return tmp, size, done, nil
}
