package batch

import "fmt"

// Issue is one validation finding. Issues are data, not errors: a file
// collects all of them instead of stopping at the first.
type Issue struct {
	Index      int        // 1-based position of the payment in the file; 0 for a file-level issue
	Row        int        // CSV/XLSX row number (1-based, header included); 0 for XML
	EndToEndID string     // the payment's EndToEndId, if known
	Field      string     // the field at fault, e.g. "creditor_iban", "NbOfTxs"
	Code       ReasonCode // ISO 20022 reason code
	Message    string     // what is wrong, for a person
}

func (i Issue) String() string {
	where := "file"
	switch {
	case i.Row > 0:
		where = fmt.Sprintf("row %d", i.Row)
	case i.Index > 0:
		where = fmt.Sprintf("payment %d", i.Index)
	}
	if i.EndToEndID != "" {
		where += fmt.Sprintf(" (%s)", i.EndToEndID)
	}
	if i.Field != "" {
		where += " " + i.Field
	}
	return fmt.Sprintf("%s: %s %s", where, i.Code, i.Message)
}

// FileError is a problem that makes a whole file unusable (FF01 and friends).
// Parsers return it from Open and Next; errors.As finds it.
type FileError struct {
	Code    ReasonCode
	Message string
	Err     error
}

func (e *FileError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *FileError) Unwrap() error { return e.Err }
