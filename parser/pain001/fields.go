package pain001

import (
	"math"
	"strings"
)

// field names a value the reader keeps. Every level (group header, payment
// information block, transaction) maps the relative paths of its leaves to
// fields; paths are local names joined by '/', so namespace prefixes and
// the BIC/BICFI and date/Dt/DtTm spellings of different versions all land
// in the same place. The paths are listed in schema order, the order files
// have, which is the order pathNode.child tries them in.
type field int

const (
	fNone field = iota

	// GrpHdr
	fMsgID
	fCreDtTm
	fNbOfTxs
	fCtrlSum
	fInitgPtyName
	fInitgPtyID

	// PmtInf
	fPmtInfID
	fPmtMtd
	fBtchBookg
	fReqdExctnDt
	fSvcLvl
	fCtgyPurp
	fDbtrName
	fDbtrIBAN
	fDbtrBIC
	fUltmtDbtrID

	// CdtTrfTxInf (fCtgyPurp, fUltmtDbtrID shared with PmtInf)
	fInstrID
	fEndToEndID
	fAmount
	fCcy // the Ccy attribute of InstdAmt
	fEqvtAmt
	fEqvtCcy // the Ccy attribute of EqvtAmt/Amt
	fCcyOfTrf
	fChrgBr
	fCdtrName
	fCdtrCountry
	fCdtrIBAN
	fCdtrAccount
	fCdtrBIC
	fUstrd
	fCdtrRef
	fPurpose

	numFields
)

// values holds the fields of one element being read.
type values [numFields]string

// joined fields collect every occurrence (Ustrd may repeat); the others
// keep the first non-empty one, so e.g. <BIC> and <BICFI> never fight.
var joined = [numFields]bool{fUstrd: true}

// ccyOf names where the Ccy attribute of an amount element goes.
var ccyOf = [numFields]field{fAmount: fCcy, fEqvtAmt: fEqvtCcy}

var grpHdrPaths = newPathTree([]pathField{
	{"MsgId", fMsgID},
	{"CreDtTm", fCreDtTm},
	{"NbOfTxs", fNbOfTxs},
	{"CtrlSum", fCtrlSum},
	{"InitgPty/Nm", fInitgPtyName},
	{"InitgPty/Id/OrgId/Othr/Id", fInitgPtyID},
	{"InitgPty/Id/PrvtId/Othr/Id", fInitgPtyID},
	{"InitgPty/Id/OrgId/BICOrBEI", fInitgPtyID},
	{"InitgPty/Id/OrgId/AnyBIC", fInitgPtyID},
})

var pmtInfPaths = newPathTree([]pathField{
	{"PmtInfId", fPmtInfID},
	{"PmtMtd", fPmtMtd},
	{"BtchBookg", fBtchBookg},
	{"NbOfTxs", fNbOfTxs},
	{"CtrlSum", fCtrlSum},
	{"PmtTpInf/SvcLvl/Cd", fSvcLvl},
	{"PmtTpInf/CtgyPurp/Cd", fCtgyPurp},
	{"ReqdExctnDt", fReqdExctnDt},    // up to .07: a date
	{"ReqdExctnDt/Dt", fReqdExctnDt}, // .08 and later
	{"ReqdExctnDt/DtTm", fReqdExctnDt},
	{"Dbtr/Nm", fDbtrName},
	{"DbtrAcct/Id/IBAN", fDbtrIBAN},
	{"DbtrAgt/FinInstnId/BIC", fDbtrBIC},   // up to .07
	{"DbtrAgt/FinInstnId/BICFI", fDbtrBIC}, // .08 and later
	{"UltmtDbtr/Id/PrvtId/Othr/Id", fUltmtDbtrID},
	{"UltmtDbtr/Id/OrgId/Othr/Id", fUltmtDbtrID},
	{"UltmtDbtr/Id/OrgId/BICOrBEI", fUltmtDbtrID},
	{"UltmtDbtr/Id/OrgId/AnyBIC", fUltmtDbtrID},
})

var txPaths = newPathTree([]pathField{
	{"PmtId/InstrId", fInstrID},
	{"PmtId/EndToEndId", fEndToEndID},
	{"PmtTpInf/CtgyPurp/Cd", fCtgyPurp},
	{"Amt/InstdAmt", fAmount},
	{"Amt/EqvtAmt/Amt", fEqvtAmt},
	{"Amt/EqvtAmt/CcyOfTrf", fCcyOfTrf},
	{"ChrgBr", fChrgBr},
	{"UltmtDbtr/Id/PrvtId/Othr/Id", fUltmtDbtrID},
	{"UltmtDbtr/Id/OrgId/Othr/Id", fUltmtDbtrID},
	{"UltmtDbtr/Id/OrgId/BICOrBEI", fUltmtDbtrID},
	{"UltmtDbtr/Id/OrgId/AnyBIC", fUltmtDbtrID},
	{"CdtrAgt/FinInstnId/BIC", fCdtrBIC},
	{"CdtrAgt/FinInstnId/BICFI", fCdtrBIC},
	{"Cdtr/Nm", fCdtrName},
	{"Cdtr/PstlAdr/Ctry", fCdtrCountry},
	{"CdtrAcct/Id/IBAN", fCdtrIBAN},
	{"CdtrAcct/Id/Othr/Id", fCdtrAccount},
	{"Purp/Cd", fPurpose},
	{"RmtInf/Ustrd", fUstrd},
	{"RmtInf/Strd/CdtrRefInf/Ref", fCdtrRef},
})

type pathField struct {
	path  string
	field field
}

// pathNode is one element of a level's paths as a tree of local names:
// collect follows it down as elements open, so an element's field is one
// lookup among its parent's few children, not a whole path built and
// hashed.
type pathNode struct {
	field field // fNone for an element that only contains kept ones
	kids  []pathKid
}

type pathKid struct {
	name string
	node *pathNode
}

// child returns the child element called name, nil if nothing below it
// is kept.
func (n *pathNode) child(name []byte) *pathNode {
	c, _ := n.childFrom(name, 0)
	return c
}

// childFrom is child trying the children from index from on first, then
// those before it, and also returns the index of the one found. Elements
// come in schema order, the children's order: started after the previous
// sibling found, the search mostly ends at its first try.
func (n *pathNode) childFrom(name []byte, from int) (*pathNode, int) {
	if len(name) == 0 {
		return nil, from
	}
	for i := from; i < len(n.kids); i++ {
		// The length and the first byte turn most misses away before a
		// comparison.
		if k := &n.kids[i]; len(k.name) == len(name) && k.name[0] == name[0] && k.name == string(name) {
			return k.node, i
		}
	}
	for i := 0; i < from && i < len(n.kids); i++ {
		if k := &n.kids[i]; len(k.name) == len(name) && k.name[0] == name[0] && k.name == string(name) {
			return k.node, i
		}
	}
	return nil, from
}

func newPathTree(paths []pathField) *pathNode {
	root := &pathNode{}
	for _, p := range paths {
		n := root
		for _, name := range strings.Split(p.path, "/") {
			next := n.child([]byte(name))
			if next == nil {
				next = &pathNode{}
				n.kids = append(n.kids, pathKid{name, next})
			}
			n = next
		}
		if n.field != fNone {
			panic("pain001: path " + p.path + " listed twice")
		}
		if len(n.kids) > math.MaxUint8 { // collect's tried holds an index
			panic("pain001: too many paths below one element")
		}
		n.field = p.field
	}
	return root
}
