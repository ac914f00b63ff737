package reports

import (
	"strconv"
	"strings"

	"github.com/paybatch/paybatch/batch"
)

// Pain002Version is the pain.002 message written, e.g. "pain.002.001.10".
type Pain002Version string

// The three versions paybatch writes.
const (
	Pain002V03 Pain002Version = "pain.002.001.03"
	Pain002V10 Pain002Version = "pain.002.001.10"
	Pain002V11 Pain002Version = "pain.002.001.11"
)

// Pain002Versions lists the versions for config validation and tests.
var Pain002Versions = []Pain002Version{Pain002V03, Pain002V10, Pain002V11}

// Valid reports whether paybatch can write the version.
func (v Pain002Version) Valid() bool {
	return v == Pain002V03 || v == Pain002V10 || v == Pain002V11
}

// Namespace is the version's XML namespace.
func (v Pain002Version) Namespace() string { return "urn:iso:std:iso:20022:tech:xsd:" + string(v) }

// Pain002VersionFor picks the report version an ERP that sent the input
// expects: the one published alongside its pain.001. 001.001.03 and the
// SEPA/DK 001.002.03 and 001.003.03 (with national variants such as
// .ch.02) → 002.001.03; 001.001.04 to .09 → 002.001.10; .10 and later →
// 002.001.11; CSV, XLSX and anything unrecognised → 002.001.10.
func Pain002VersionFor(h batch.Header) Pain002Version {
	name := h.Format
	if !strings.HasPrefix(name, "pain.001.") {
		name = h.MessageName
	}
	// pain.001.<variant>.<version>[.<national suffix>...]
	parts := strings.Split(name, ".")
	if len(parts) < 4 || parts[0] != "pain" || parts[1] != "001" {
		return Pain002V10
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil {
		return Pain002V10
	}
	switch parts[2] {
	case "002", "003":
		return Pain002V03
	case "001":
	default:
		return Pain002V10
	}
	switch {
	case n <= 3:
		return Pain002V03
	case n <= 9:
		return Pain002V10
	default:
		return Pain002V11
	}
}

// originalMessageName is OrgnlMsgNmId. For pain.001 it is the input's own
// name including national variants, so the ERP can match the report to what
// it sent. CSV and XLSX have no ISO name; we name the pain.001 version that
// pairs with the report version (001.001.03↔002.001.03, 001.001.09↔
// 002.001.10, 001.001.10↔002.001.11), which is what a parser of the report
// expects to find there and what the CSV was converted to in substance.
func originalMessageName(v Pain002Version, h batch.Header) string {
	if n := clean(h.MessageName, 35); strings.HasPrefix(n, "pain.") {
		return n
	}
	if strings.HasPrefix(h.Format, "pain.") {
		return clean(h.Format, 35)
	}
	switch v {
	case Pain002V03:
		return "pain.001.001.03"
	case Pain002V11:
		return "pain.001.001.10"
	default:
		return "pain.001.001.09"
	}
}
