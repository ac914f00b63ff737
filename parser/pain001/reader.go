package pain001

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paybatch/paybatch/batch"
)

// Reader streams the payments of one pain.001 file.
type Reader struct {
	lex      *lexer
	version  Version
	header   batch.Header
	infos    []*batch.PaymentInfo
	info     *batch.PaymentInfo // the open PmtInf block, nil between blocks
	index    int                // payments returned so far
	docDepth int                // depth of the Document element (1 = root)
	done     bool
	err      error // sticky: once the file is bad it stays bad

	text  []byte
	arena []byte
}

// NewReader reads r up to the end of the group header, so Header is
// complete when it returns. Anything that is not a supported pain.001
// credit transfer initiation is a *batch.FileError with code FF01.
func NewReader(r io.Reader) (*Reader, error) {
	rd, err := newReader(r)
	if err != nil {
		return nil, err
	}
	ns, err := rd.findDocument()
	if err != nil {
		return nil, err
	}
	if err := rd.open(ns); err != nil {
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
	ns, err := rd.findDocument()
	if err != nil {
		return Version{}, err
	}
	v, ok := ParseNamespace(ns)
	if !ok {
		return v, unknownNamespace(ns)
	}
	return v, nil
}

func newReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(sourceReader{r}, 4096)
	if _, err := br.Peek(1); err != nil {
		if err == io.EOF {
			return nil, ff01("the file is empty", nil)
		}
		return nil, classify(err)
	}
	src, utf16 := prepare(br)
	return &Reader{lex: newLexer(src, utf16)}, nil
}

// Header returns the group header. It is complete once NewReader returned.
func (r *Reader) Header() *batch.Header { return &r.header }

// Version returns the message version detected from the namespace.
func (r *Reader) Version() Version { return r.version }

// Infos lists the PmtInf blocks seen so far; complete after io.EOF.
func (r *Reader) Infos() []*batch.PaymentInfo { return r.infos }

// findDocument skips whatever wraps the message (a CBPR+ RequestPayload or
// Envelope with its AppHdr) up to the first element named Document, and
// returns that element's namespace.
func (r *Reader) findDocument() (string, error) {
	type binding struct {
		depth       int
		prefix, uri string
	}
	var bindings []binding
	l := r.lex
	for {
		err := l.next()
		if err == io.EOF {
			return "", ff01("no ISO 20022 Document element found", nil)
		}
		if err != nil {
			var se *syntaxError
			if !l.sawRoot && (errors.As(err, &se) || err == errTruncated) {
				return "", ff01("not an XML document: "+err.Error(), err)
			}
			return "", classify(err)
		}
		switch l.kind {
		case tokStart:
			d := l.depth()
			for _, a := range l.attrs {
				switch {
				case string(a.name) == "xmlns":
					bindings = append(bindings, binding{d, "", string(a.value)})
				case bytes.HasPrefix(a.name, []byte("xmlns:")):
					bindings = append(bindings, binding{d, string(a.name[len("xmlns:"):]), string(a.value)})
				}
			}
			if string(l.local()) != "Document" {
				continue
			}
			prefix := ""
			if i := bytes.IndexByte(l.qname(), ':'); i >= 0 {
				prefix = string(l.qname()[:i])
			}
			r.docDepth = d
			for i := len(bindings) - 1; i >= 0; i-- {
				if bindings[i].prefix == prefix {
					return bindings[i].uri, nil
				}
			}
			return "", nil
		case tokEnd:
			for len(bindings) > 0 && bindings[len(bindings)-1].depth > l.depth() {
				bindings = bindings[:len(bindings)-1]
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
func (r *Reader) open(ns string) error {
	v, ok := ParseNamespace(ns)
	if !ok {
		return unknownNamespace(ns)
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
	if msg == "" {
		return ff01(fmt.Sprintf("the %s Document is empty", v.Name), nil)
	}
	if msg != "CstmrCdtTrfInitn" {
		return ff01(fmt.Sprintf("the %s Document holds <%s>, not a credit transfer initiation <CstmrCdtTrfInitn>", v.Name, msg), nil)
	}
	grp, err := r.nextChild(r.docDepth + 1)
	if err != nil {
		return err
	}
	if grp != "GrpHdr" {
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

// nextChild returns the local name of the next child element of the
// element open at depth parent, or "" when that element ends first.
func (r *Reader) nextChild(parent int) (string, error) {
	for {
		if err := r.lex.next(); err != nil {
			return "", err
		}
		switch r.lex.kind {
		case tokStart:
			return string(r.lex.local()), nil
		case tokEnd:
			if r.lex.depth() < parent {
				return "", nil
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
