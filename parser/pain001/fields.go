package pain001

// field names a value the reader keeps. Every level (group header, payment
// information block, transaction) maps the relative paths of its leaves to
// fields; paths are local names joined by '/', so namespace prefixes and
// the BIC/BICFI and date/Dt/DtTm spellings of different versions all land
// in the same place.
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

var grpHdrPaths = map[string]field{
	"MsgId":                      fMsgID,
	"CreDtTm":                    fCreDtTm,
	"NbOfTxs":                    fNbOfTxs,
	"CtrlSum":                    fCtrlSum,
	"InitgPty/Nm":                fInitgPtyName,
	"InitgPty/Id/OrgId/Othr/Id":  fInitgPtyID,
	"InitgPty/Id/PrvtId/Othr/Id": fInitgPtyID,
	"InitgPty/Id/OrgId/BICOrBEI": fInitgPtyID,
	"InitgPty/Id/OrgId/AnyBIC":   fInitgPtyID,
}

var pmtInfPaths = map[string]field{
	"PmtInfId":                    fPmtInfID,
	"PmtMtd":                      fPmtMtd,
	"BtchBookg":                   fBtchBookg,
	"NbOfTxs":                     fNbOfTxs,
	"CtrlSum":                     fCtrlSum,
	"PmtTpInf/SvcLvl/Cd":          fSvcLvl,
	"PmtTpInf/CtgyPurp/Cd":        fCtgyPurp,
	"ReqdExctnDt":                 fReqdExctnDt, // up to .07: a date
	"ReqdExctnDt/Dt":              fReqdExctnDt, // .08 and later
	"ReqdExctnDt/DtTm":            fReqdExctnDt,
	"Dbtr/Nm":                     fDbtrName,
	"DbtrAcct/Id/IBAN":            fDbtrIBAN,
	"DbtrAgt/FinInstnId/BIC":      fDbtrBIC, // up to .07
	"DbtrAgt/FinInstnId/BICFI":    fDbtrBIC, // .08 and later
	"UltmtDbtr/Id/PrvtId/Othr/Id": fUltmtDbtrID,
	"UltmtDbtr/Id/OrgId/Othr/Id":  fUltmtDbtrID,
	"UltmtDbtr/Id/OrgId/BICOrBEI": fUltmtDbtrID,
	"UltmtDbtr/Id/OrgId/AnyBIC":   fUltmtDbtrID,
}

var txPaths = map[string]field{
	"PmtId/InstrId":               fInstrID,
	"PmtId/EndToEndId":            fEndToEndID,
	"PmtTpInf/CtgyPurp/Cd":        fCtgyPurp,
	"Amt/InstdAmt":                fAmount,
	"Amt/EqvtAmt/Amt":             fEqvtAmt,
	"Amt/EqvtAmt/CcyOfTrf":        fCcyOfTrf,
	"ChrgBr":                      fChrgBr,
	"UltmtDbtr/Id/PrvtId/Othr/Id": fUltmtDbtrID,
	"UltmtDbtr/Id/OrgId/Othr/Id":  fUltmtDbtrID,
	"UltmtDbtr/Id/OrgId/BICOrBEI": fUltmtDbtrID,
	"UltmtDbtr/Id/OrgId/AnyBIC":   fUltmtDbtrID,
	"CdtrAgt/FinInstnId/BIC":      fCdtrBIC,
	"CdtrAgt/FinInstnId/BICFI":    fCdtrBIC,
	"Cdtr/Nm":                     fCdtrName,
	"Cdtr/PstlAdr/Ctry":           fCdtrCountry,
	"CdtrAcct/Id/IBAN":            fCdtrIBAN,
	"CdtrAcct/Id/Othr/Id":         fCdtrAccount,
	"Purp/Cd":                     fPurpose,
	"RmtInf/Ustrd":                fUstrd,
	"RmtInf/Strd/CdtrRefInf/Ref":  fCdtrRef,
}
