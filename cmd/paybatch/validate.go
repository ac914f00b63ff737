package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser"
)

// validateResult is one line of `validate --json` (the CLI contract).
type validateResult struct {
	File       string      `json:"file"`
	Format     string      `json:"format"`
	MsgID      string      `json:"msg_id"`
	Payments   int         `json:"payments"`
	Valid      int         `json:"valid"`
	Invalid    int         `json:"invalid"`
	ControlSum string      `json:"control_sum"`
	FileErrors []fileError `json:"file_errors"`
	Errors     []issueJSON `json:"errors"`
	Warnings   []issueJSON `json:"warnings"`
}

type fileError struct {
	Code    batch.ReasonCode `json:"code"`
	Message string           `json:"message"`
}

type issueJSON struct {
	Index      int              `json:"index"`
	Row        int              `json:"row"`
	EndToEndID string           `json:"end_to_end_id"`
	Field      string           `json:"field"`
	Code       batch.ReasonCode `json:"code"`
	Message    string           `json:"message"`
}

func toIssueJSON(i batch.Issue) issueJSON {
	return issueJSON{Index: i.Index, Row: i.Row, EndToEndID: i.EndToEndID, Field: i.Field, Code: i.Code, Message: i.Message}
}

// runValidate is `paybatch validate [--json] FILE...`: parse and validate
// only, no store, no dispatch. Exit 0 when every file and payment is valid,
// 1 when anything was rejected, 2 on usage or I/O errors.
func runValidate(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: paybatch validate [--json] FILE...")
		return exitUsage
	}
	code := exitOK
	enc := json.NewEncoder(os.Stdout)
	for _, path := range fs.Args() {
		res, err := validateFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "paybatch: %s: %v\n", path, err)
			code = worse(code, exitUsage)
			continue
		}
		if len(res.FileErrors) > 0 || res.Invalid > 0 {
			code = worse(code, exitRejected)
		}
		if *asJSON {
			enc.Encode(res)
		} else {
			printValidation(os.Stdout, res)
		}
	}
	return code
}

// validateFile parses and validates one file; the error is for I/O only.
func validateFile(path string) (*validateResult, error) {
	res := &validateResult{File: path, ControlSum: "0.00", FileErrors: []fileError{}, Errors: []issueJSON{}, Warnings: []issueJSON{}}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a directory")
	}
	r, err := parser.Open(f, st.Size(), parser.Options{})
	if err != nil {
		var fe *batch.FileError
		if !errors.As(err, &fe) {
			return nil, err
		}
		res.Format = "unknown"
		res.FileErrors = append(res.FileErrors, fileError{Code: fe.Code, Message: fe.Error()})
		return res, nil
	}
	defer r.Close()
	h := r.Header()
	res.Format, res.MsgID = h.Format, h.MsgID
	tabular := h.Format == "csv" || h.Format == "xlsx"
	v := batch.NewValidator(batch.ValidateOptions{Lenient: tabular, RequireEndToEndID: tabular, ExpectedPayments: h.NbOfTxs})
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var fe *batch.FileError
			if !errors.As(err, &fe) {
				return nil, err
			}
			res.FileErrors = append(res.FileErrors, fileError{Code: fe.Code, Message: fe.Error()})
			break
		}
		v.Payment(p)
		for _, is := range p.Issues {
			res.Errors = append(res.Errors, toIssueJSON(is))
		}
		for _, w := range p.Warnings {
			res.Warnings = append(res.Warnings, toIssueJSON(w))
		}
	}
	if len(res.FileErrors) == 0 {
		for _, is := range v.Finish(h, r.Infos()) {
			res.FileErrors = append(res.FileErrors, fileError{Code: is.Code, Message: is.String()})
		}
	}
	st2 := v.Stats()
	res.Payments, res.Invalid = st2.Payments, st2.Invalid
	res.Valid = res.Payments - res.Invalid
	res.ControlSum = st2.ControlSum.Format(2)
	return res, nil
}

func printValidation(w io.Writer, r *validateResult) {
	for _, fe := range r.FileErrors {
		fmt.Fprintf(w, "%s: file: %s %s\n", r.File, fe.Code, fe.Message)
	}
	for _, is := range r.Errors {
		where := fmt.Sprintf("payment %d", is.Index)
		if is.Row > 0 {
			where = fmt.Sprintf("row %d", is.Row)
		}
		if is.EndToEndID != "" {
			where += " (" + is.EndToEndID + ")"
		}
		fmt.Fprintf(w, "%s: %s: %s %s: %s\n", r.File, where, is.Field, is.Code, is.Message)
	}
	verdict := "OK"
	if len(r.FileErrors) > 0 {
		verdict = "FILE REJECTED"
	} else if r.Invalid > 0 {
		verdict = "PARTLY INVALID"
	}
	fmt.Fprintf(w, "%s: %s %s: %d payments, %d valid, %d invalid, control sum %s, %d warnings\n",
		r.File, verdict, r.Format, r.Payments, r.Valid, r.Invalid, r.ControlSum, len(r.Warnings))
}
