package pain001

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
)

// Next returns the next payment in file order, then io.EOF once the whole
// file has been read and found well-formed. A *batch.FileError means the
// file is unusable, even if payments were returned before it: the caller
// must reject the whole file.
func (r *Reader) Next() (*batch.Payment, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return nil, io.EOF
	}
	p, err := r.next()
	if err == io.EOF {
		r.done = true
		return nil, io.EOF
	}
	if err != nil {
		r.err = classify(err)
		return nil, r.err
	}
	return p, nil
}

func (r *Reader) next() (*batch.Payment, error) {
	l := r.lex
	for {
		if err := l.next(); err != nil {
			return nil, err
		}
		switch l.kind {
		case tokStart:
			d := l.depth()
			switch name := string(l.local()); {
			case d == r.docDepth+2 && name == "PmtInf":
				if p, err := r.openBlock(); p != nil || err != nil {
					return p, err
				}
			case r.info != nil && d == r.docDepth+3 && name == "CdtTrfTxInf":
				return r.readTx()
			case d <= r.docDepth && name == "Document":
				// A second message in one envelope would be paid by
				// nobody or by guesswork; refuse the file instead.
				return nil, ff01("the file holds more than one Document", nil)
			default:
				if err := r.skip(); err != nil {
					return nil, err
				}
			}
		case tokEnd:
			if l.depth() == r.docDepth+1 {
				r.info = nil // PmtInf closed
			}
		}
	}
}

// skip consumes the element just opened, children included.
func (r *Reader) skip() error {
	base := r.lex.depth()
	for r.lex.depth() >= base {
		if err := r.lex.next(); err != nil {
			return err
		}
	}
	return nil
}

// openBlock reads the PmtInf header fields up to its first transaction and
// returns that transaction, or nil when the block has none.
func (r *Reader) openBlock() (*batch.Payment, error) {
	if len(r.infos) >= MaxBlocks {
		return nil, errTooManyBlocks
	}
	var v values
	hasTx, err := r.collect(pmtInfPaths, &v, "CdtTrfTxInf")
	if err != nil {
		return nil, err
	}
	info := &batch.PaymentInfo{
		Index:                  len(r.infos) + 1,
		ID:                     v[fPmtInfID],
		Method:                 v[fPmtMtd],
		BatchBooking:           v[fBtchBookg],
		RequestedExecutionDate: v[fReqdExctnDt],
		CategoryPurpose:        v[fCtgyPurp],
		ServiceLevel:           v[fSvcLvl],
		DebtorName:             v[fDbtrName],
		DebtorIBAN:             v[fDbtrIBAN],
		DebtorBIC:              v[fDbtrBIC],
		UltimateDebtorID:       v[fUltmtDbtrID],
	}
	where := fmt.Sprintf("PmtInf %d NbOfTxs", info.Index)
	if info.NbOfTxs, info.HasNbOfTxs, err = parseCount(where, v[fNbOfTxs]); err != nil {
		return nil, err
	}
	where = fmt.Sprintf("PmtInf %d CtrlSum", info.Index)
	if info.CtrlSum, info.HasCtrlSum, err = parseSum(where, v[fCtrlSum]); err != nil {
		return nil, err
	}
	r.infos = append(r.infos, info)
	if !hasTx {
		return nil, nil // the block closed without transactions
	}
	r.info = info
	return r.readTx()
}

// readTx turns the CdtTrfTxInf element just opened into a Payment.
func (r *Reader) readTx() (*batch.Payment, error) {
	var v values
	if _, err := r.collect(txPaths, &v, ""); err != nil {
		return nil, err
	}
	r.index++
	info := r.info
	p := &batch.Payment{
		Index:                  r.index,
		Info:                   info,
		InstrID:                v[fInstrID],
		EndToEndID:             v[fEndToEndID],
		AmountText:             v[fAmount],
		CreditorName:           v[fCdtrName],
		CreditorIBAN:           v[fCdtrIBAN],
		CreditorBIC:            v[fCdtrBIC],
		CreditorCountry:        v[fCdtrCountry],
		RemittanceInfo:         v[fUstrd],
		RequestedExecutionDate: info.RequestedExecutionDate,
		Extra: batch.NewExtra(batch.PaymentExtra{
			CreditorAccount:  v[fCdtrAccount],
			CreditorRef:      v[fCdtrRef],
			Purpose:          v[fPurpose],
			CategoryPurpose:  v[fCtgyPurp], // the block's is Payment.CategoryPurpose's fallback
			ChargeBearer:     v[fChrgBr],
			UltimateDebtorID: v[fUltmtDbtrID],
		}),
	}
	setAmount(p, &v)
	return p, nil
}

// setAmount reads InstdAmt, or an EqvtAmt whose currency is the transfer
// currency (CBPR+ files use that form). An equivalent amount that needs a
// currency conversion is not something a payout can be guessed from.
func setAmount(p *batch.Payment, v *values) {
	text, ccy := v[fAmount], v[fCcy]
	if text == "" && v[fEqvtAmt] != "" {
		text, ccy = v[fEqvtAmt], v[fEqvtCcy]
		p.AmountText = text
		if v[fCcyOfTrf] != "" && v[fCcyOfTrf] != ccy {
			p.AddIssue("amount", batch.AM02, fmt.Sprintf("equivalent amount %s %s to be converted to %s: conversions are not supported", text, ccy, v[fCcyOfTrf]))
			return
		}
	}
	if text == "" {
		p.AddIssue("amount", batch.AM02, "no instructed amount (Amt/InstdAmt)")
		return
	}
	a, err := batch.ParseAmount(text, ccy)
	if err != nil {
		p.AddIssue("amount", batch.AM02, amountMessage(text, ccy, err))
		return
	}
	p.Amount = a
}

func amountMessage(text, ccy string, err error) string {
	switch {
	case ccy == "":
		return fmt.Sprintf("amount %s has no currency (Ccy)", text)
	case errors.Is(err, batch.ErrCurrency):
		return fmt.Sprintf("amount %s %s: unknown currency %q", text, ccy, ccy)
	case errors.Is(err, batch.ErrAmountPrecision):
		return fmt.Sprintf("amount %s %s has more decimals than %s allows", text, ccy, ccy)
	case errors.Is(err, batch.ErrAmountRange):
		return fmt.Sprintf("amount %s %s is out of range", text, ccy)
	}
	return fmt.Sprintf("amount %q is not a decimal number", text)
}

// collect reads the children of the element just opened until it closes,
// keeping the text of every leaf whose path (relative to that element) is
// in paths. With stopAt set it returns early, stopped true, when a direct
// child of that name opens: PmtInf's header ends at its first transaction.
//
// The kept texts go into one arena, where they are read to, and become
// one string at the end: one allocation per element read instead of one
// per field.
func (r *Reader) collect(paths *pathNode, v *values, stopAt string) (stopped bool, err error) {
	l := r.lex
	base := l.depth()
	// nodes[rel] is where the open element rel levels below base is in
	// paths, nil outside them; cur is the innermost open element's field.
	var nodes [MaxDepth + 1]*pathNode
	nodes[0] = paths
	// tried[rel] is the child of nodes[rel] found last, where the search
	// for the next one starts.
	var tried [MaxDepth + 1]uint8
	cur := fNone
	// arena in a local, not in r, through the loop: a slice stored in the
	// heap costs a GC write barrier on every change. arena[pend:] is the
	// text of the innermost open element read so far.
	arena, pend := r.arena[:0], 0
	var spans spans
	defer func() {
		r.arena = arena // kept for the next element
		r.finish(v, &spans)
	}()
	total := 0
	for {
		if err := l.next(); err != nil {
			if err == io.EOF {
				err = errTruncated
			}
			return false, err
		}
		switch l.kind {
		case tokStart:
			rel := l.depth() - base
			if rel == 1 && stopAt != "" && string(l.local()) == stopAt {
				return true, nil
			}
			arena = arena[:pend] // text followed by an element is not kept
			var n *pathNode
			if parent := nodes[rel-1]; parent != nil {
				var i int
				n, i = parent.childFrom(l.local(), int(tried[rel-1]))
				tried[rel-1], tried[rel] = uint8(i), 0
			}
			nodes[rel] = n
			cur = fNone
			if n != nil {
				cur = n.field
			}
			if len(l.attrs) > 0 {
				if c := ccyOf[cur]; c != fNone {
					for _, a := range l.attrs {
						if string(localName(a.name)) == "Ccy" {
							arena = keep(arena, &spans, c, a.value)
						}
					}
				}
			}
			pend = len(arena)
		case tokText:
			total += len(l.text)
			if total > maxTxBytes {
				return false, errTxTooLarge
			}
			// Only the text of a kept element is ever looked at.
			if cur != fNone {
				arena = append(arena, l.text...)
			}
		case tokEnd:
			if l.depth() < base {
				return false, nil
			}
			// Only leaves have text: the lexer drops blanks between
			// elements, so containers cost nothing here.
			if len(arena) > pend {
				arena = r.keepRead(arena, pend, &spans, cur)
			}
			pend = len(arena)
			cur = fNone
			if n := nodes[l.depth()-base]; n != nil {
				cur = n.field
			}
		}
	}
}

// span is a field's text in the arena.
type span struct{ from, to int }

// spans are the fields of one element read so far; set has a bit for
// each one kept, so that finish visits only those.
type spans struct {
	at  [numFields]span
	set uint64
}

// numFields must fit spans.set.
var _ [64 - numFields]struct{}

// keepRead keeps arena[from:], the text just read, as field f's (see
// keep), where it lies when it is the field's first.
func (r *Reader) keepRead(arena []byte, from int, spans *spans, f field) []byte {
	a, b := trimBounds(arena[from:])
	sp := &spans.at[f]
	switch {
	case a == b, sp.to != 0 && !joined[f]:
		return arena[:from]
	case sp.to == 0:
		*sp = span{from + a, from + b}
		spans.set |= 1 << f
		return arena[:from+b]
	}
	// A joined field's next occurrence: rare enough for keep's way.
	r.text = append(r.text[:0], arena[from+a:from+b]...)
	return keep(arena[:from], spans, f, r.text)
}

// keep appends a field's text to arena: the first non-blank one wins,
// except for joined fields, which collect every occurrence separated by a
// space.
func keep(arena []byte, spans *spans, f field, text []byte) []byte {
	a, b := trimBounds(text)
	if a == b {
		return arena
	}
	text = text[a:b]
	sp := &spans.at[f]
	spans.set |= 1 << f
	switch {
	case sp.to == 0:
	case !joined[f]:
		return arena
	case sp.to == len(arena):
		arena = append(append(arena, ' '), text...)
		sp.to = len(arena)
		return arena
	default:
		// Not at the arena's end: move the earlier text behind it.
		from := len(arena)
		arena = append(arena, arena[sp.from:sp.to]...)
		arena = append(append(arena, ' '), text...)
		*sp = span{from, len(arena)}
		return arena
	}
	from := len(arena)
	arena = append(arena, text...)
	*sp = span{from, len(arena)}
	return arena
}

// trimBounds returns where bytes.TrimSpace(b) lies in b, without its
// work for the usual value, one that starts and ends with an ASCII
// character that is not a blank.
func trimBounds(b []byte) (from, to int) {
	if len(b) > 0 && !maybeSpace[b[0]] && !maybeSpace[b[len(b)-1]] {
		return 0, len(b)
	}
	left := bytes.TrimLeftFunc(b, unicode.IsSpace)
	from = len(b) - len(left)
	return from, from + len(bytes.TrimRightFunc(left, unicode.IsSpace))
}

// maybeSpace marks the ASCII blanks bytes.TrimSpace removes and every
// byte of a multi-byte character, which may be a Unicode blank.
var maybeSpace = func() (t [256]bool) {
	for _, c := range []byte("\t\n\v\f\r ") {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < len(t); c++ {
		t[c] = true
	}
	return t
}()

func (r *Reader) finish(v *values, spans *spans) {
	if spans.set == 0 {
		return
	}
	all := string(r.arena)
	for set := spans.set; set != 0; set &= set - 1 {
		f := bits.TrailingZeros64(set)
		sp := spans.at[f]
		v[f] = all[sp.from:sp.to]
	}
}
