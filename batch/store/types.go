package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// timeLayout is fixed-width UTC, so text order is time order (Due sorts and
// compares next_at as text).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// dbTime is a nullable timestamp column: the zero time is NULL.
type dbTime struct{ time.Time }

func (t dbTime) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return fmtTime(t.Time), nil
}

func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v.UTC()
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	return fmt.Errorf("store: cannot scan %T into a time", v)
}

func (t *dbTime) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("store: bad time %q: %w", s, err)
	}
	t.Time = p
	return nil
}

// dbDecimal is an exact decimal stored as text, NULL when absent. Unlike
// batch.ParseDecimal it keeps the written scale ("1.50" stays Scale 2), so a
// control sum reads back exactly as it was stored.
type dbDecimal struct {
	batch.Decimal
	Valid bool
}

func (d dbDecimal) Value() (driver.Value, error) {
	if !d.Valid {
		return nil, nil
	}
	return d.Decimal.String(), nil
}

func (d *dbDecimal) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		*d = dbDecimal{}
		return nil
	case []byte:
		s = string(v)
	case string:
		s = v
	default:
		return fmt.Errorf("store: cannot scan %T into a decimal", v)
	}
	dec, err := parseDecimalKeepScale(s)
	if err != nil {
		return err
	}
	*d = dbDecimal{Decimal: dec, Valid: true}
	return nil
}

func parseDecimalKeepScale(s string) (batch.Decimal, error) {
	dec, err := batch.ParseDecimal(s)
	if err != nil {
		return batch.Decimal{}, fmt.Errorf("store: bad decimal %q: %w", s, err)
	}
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > dec.Scale {
		u, err := dec.Rescale(len(frac))
		if err != nil {
			return batch.Decimal{}, fmt.Errorf("store: bad decimal %q: %w", s, err)
		}
		dec = batch.Decimal{Units: u, Scale: len(frac)}
	}
	return dec, nil
}

// issueJSON is the stored shape of a batch.Issue; the tags pin the JSON so
// that renaming a Go field cannot silently orphan stored issues.
type issueJSON struct {
	Index      int    `json:"index,omitempty"`
	Row        int    `json:"row,omitempty"`
	EndToEndID string `json:"end_to_end_id,omitempty"`
	Field      string `json:"field,omitempty"`
	Code       string `json:"code"`
	Message    string `json:"message,omitempty"`
}

func encodeIssues(is []batch.Issue) (string, error) {
	out := make([]issueJSON, len(is))
	for i, x := range is {
		out[i] = issueJSON{x.Index, x.Row, x.EndToEndID, x.Field, string(x.Code), x.Message}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode issues: %w", err)
	}
	return string(b), nil
}

func decodeIssues(s string) ([]batch.Issue, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var in []issueJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode issues: %w", err)
	}
	out := make([]batch.Issue, len(in))
	for i, x := range in {
		out[i] = batch.Issue{Index: x.Index, Row: x.Row, EndToEndID: x.EndToEndID, Field: x.Field, Code: batch.ReasonCode(x.Code), Message: x.Message}
	}
	return out, nil
}

// nullString stores "" as NULL, for UNIQUE columns where many rows may
// lack a value (idempotency_key before routing).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
