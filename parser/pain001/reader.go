package pain001

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser"
)

var _ parser.Reader = (*Reader)(nil)

// Reader streams the payments of one pain.001 file.
type Reader struct {
	dec      *xml.Decoder
	version  Version
	header   batch.Header
	infos    []*batch.PaymentInfo
	info     *batch.PaymentInfo // the open PmtInf block, nil between blocks
	index    int                // payments returned so far
	depth    int                // current element depth (1 = root)
	docDepth int                // depth of the Document element
	done     bool
	err      error // sticky: once the file is bad it stays bad

	path []byte // scratch for collect
	text []byte
}

// NewReader reads r up to the end of the group header, so Header is
// complete when it returns. Anything that is not a supported pain.001
// credit transfer initiation is a *batch.FileError with code FF01.
func NewReader(r io.Reader) (*Reader, error) {
	rd, err := newReader(r)
	if err != nil {
		return nil, err
	}
	doc, err := rd.findDocument()
	if err != nil {
		return nil, err
	}
	if err := rd.open(doc); err != nil {
		return nil, classify(err)
	}
	return rd, nil
}

// DetectVersion reads r up to the Document element and reports the message
// version its namespace names, supported or not. It does not look further:
// a structurally empty document is still recognised.
func DetectVersion(r io.Reader) (Version, error) {
	rd, err := newReader(r)
	if err != nil {
		return Version{}, err
	}
	doc, err := rd.findDocument()
	if err != nil {
		return Version{}, err
	}
	v, ok := ParseNamespace(doc.Name.Space)
	if !ok {
		return v, unknownNamespace(doc.Name.Space)
	}
	return v, nil
}

func newReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(sourceReader{r}, 64<<10)
	if _, err := br.Peek(1); err != nil {
		if err == io.EOF {
			return nil, ff01("the file is empty", nil)
		}
		return nil, classify(err)
	}
	src, utf16 := prepare(br)
	dec := xml.NewDecoder(&runGuard{r: src})
	dec.Strict = true
	dec.CharsetReader = charsetReader(utf16)
	return &Reader{dec: dec}, nil
}

// Header returns the group header. It is complete once NewReader returned.
func (r *Reader) Header() *batch.Header { return &r.header }

// Version returns the message version detected from the namespace.
func (r *Reader) Version() Version { return r.version }

// Infos lists the PmtInf blocks seen so far; complete after io.EOF.
func (r *Reader) Infos() []*batch.PaymentInfo { return r.infos }

// token returns the next token, keeping depth and refusing what a payment
// file never contains.
func (r *Reader) token() (xml.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		r.depth++
		if r.depth > MaxDepth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		r.depth--
	case xml.Directive:
		return nil, errDirective
	}
	return tok, nil
}

// findDocument skips whatever wraps the message (a CBPR+ RequestPayload or
// Envelope with its AppHdr) up to the first element named Document.
func (r *Reader) findDocument() (xml.StartElement, error) {
	sawElement := false
	for {
		tok, err := r.token()
		if err == io.EOF {
			if !sawElement {
				return xml.StartElement{}, ff01("not an XML document: no element found", nil)
			}
			return xml.StartElement{}, ff01("no ISO 20022 Document element found", nil)
		}
		if err != nil {
			if !sawElement {
				var se *xml.SyntaxError
				if errors.As(err, &se) {
					return xml.StartElement{}, ff01("not an XML document: "+strings.TrimPrefix(se.Msg, "xml: "), err)
				}
			}
			return xml.StartElement{}, classify(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			sawElement = true
			if se.Name.Local == "Document" {
				r.docDepth = r.depth
				return se, nil
			}
		}
	}
}

func unknownNamespace(ns string) error {
	if ns == "" {
		return ff01("the Document has no namespace, so its message and version are unknown", nil)
	}
	return ff01(fmt.Sprintf("the Document namespace %q names no known ISO 20022 message version", ns), nil)
}

// open checks the message and version, then reads the group header.
func (r *Reader) open(doc xml.StartElement) error {
	v, ok := ParseNamespace(doc.Name.Space)
	if !ok {
		return unknownNamespace(doc.Name.Space)
	}
	switch {
	case v.Family == "pain.002":
		return ff01(fmt.Sprintf("%s is a payment status report, not a payment initiation", v.Name), nil)
	case v.Family == "pain.008":
		return ff01(fmt.Sprintf("%s is a direct debit initiation; only credit transfers (pain.001) are accepted", v.Name), nil)
	case v.Family != "pain.001":
		return ff01(fmt.Sprintf("%s is not a credit transfer initiation (pain.001)", v.Name), nil)
	case !v.Supported():
		return ff01(fmt.Sprintf("%s is not a supported pain.001 version (supported: pain.001.001.03 to .12, pain.001.002.03, pain.001.003.03 and their national variants)", v.Name), nil)
	}
	r.version = v
	r.header.Format = v.Base
	r.header.MessageName = v.Name
	r.header.Namespace = v.Namespace

	msg, err := r.nextChild(r.docDepth)
	if err != nil {
		return err
	}
	if msg == nil {
		return ff01(fmt.Sprintf("the %s Document is empty", v.Name), nil)
	}
	if msg.Name.Local != "CstmrCdtTrfInitn" {
		return ff01(fmt.Sprintf("the %s Document holds <%s>, not a credit transfer initiation <CstmrCdtTrfInitn>", v.Name, msg.Name.Local), nil)
	}
	grp, err := r.nextChild(r.docDepth + 1)
	if err != nil {
		return err
	}
	if grp == nil || grp.Name.Local != "GrpHdr" {
		return ff01("the group header <GrpHdr> is missing", nil)
	}
	var v2 values
	if _, err := r.collect(grpHdrPaths, &v2, ""); err != nil {
		return err
	}
	h := &r.header
	h.MsgID = v2[fMsgID]
	h.CreationDateTime = v2[fCreDtTm]
	h.InitiatingPartyName = v2[fInitgPtyName]
	h.InitiatingPartyID = v2[fInitgPtyID]
	if h.NbOfTxs, h.HasNbOfTxs, err = parseCount("GrpHdr/NbOfTxs", v2[fNbOfTxs]); err != nil {
		return err
	}
	if h.CtrlSum, h.HasCtrlSum, err = parseSum("GrpHdr/CtrlSum", v2[fCtrlSum]); err != nil {
		return err
	}
	return nil
}

// nextChild returns the next child element of the element open at depth
// parent, or nil when that element ends first.
func (r *Reader) nextChild(parent int) (*xml.StartElement, error) {
	for {
		tok, err := r.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			if r.depth < parent {
				return nil, nil
			}
		}
	}
}

// parseCount reads a NbOfTxs. A count that cannot be read cannot be
// checked, so the file is refused rather than trusted.
func parseCount(where, s string) (int, bool, error) {
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strings.HasPrefix(s, "+") {
		return 0, false, ff01(fmt.Sprintf("%s %q is not a number of transactions", where, s), err)
	}
	return n, true, nil
}

func parseSum(where, s string) (batch.Decimal, bool, error) {
	if s == "" {
		return batch.Decimal{}, false, nil
	}
	d, err := batch.ParseDecimal(s)
	if err != nil {
		return batch.Decimal{}, false, ff01(fmt.Sprintf("%s %q is not a decimal amount", where, s), err)
	}
	return d, true, nil
}
