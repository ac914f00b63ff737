package pain001

import (
	"regexp"
	"strings"
)

// Version is what a Document's namespace says about the message inside it.
type Version struct {
	// Namespace as written in the file.
	Namespace string
	// Family is the message family, e.g. "pain.001" or "pain.002".
	Family string
	// Base is the ISO version without national suffix, e.g. "pain.001.001.03".
	Base string
	// Name is the full message name including any national variant, e.g.
	// "pain.001.001.03.ch.02".
	Name string
}

// supported lists the credit-transfer versions the reader accepts. Older
// ones (pain.001.001.02, pain.001.002.02) predate the 2009 schema the rest
// share and are refused rather than half-understood.
var supported = map[string]bool{
	"pain.001.001.03": true,
	"pain.001.001.04": true,
	"pain.001.001.05": true,
	"pain.001.001.06": true,
	"pain.001.001.07": true,
	"pain.001.001.08": true,
	"pain.001.001.09": true,
	"pain.001.001.10": true,
	"pain.001.001.11": true,
	"pain.001.001.12": true,
	"pain.001.002.03": true, // EPC SEPA
	"pain.001.003.03": true, // German DK
}

// Supported reports whether the reader can stream this version.
func (v Version) Supported() bool { return supported[v.Base] }

// The message name sits at the end of the namespace in every form seen in
// the wild: urn:iso:std:iso:20022:tech:xsd:pain.001.001.03,
// http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd,
// urn:sepade:xsd:pain.001.001.02, urn:swift:xsd:$pain.001.002.02.
var nsName = regexp.MustCompile(`(?:^|[:/$])([a-z]{4}\.[0-9]{3})\.([0-9]{3}\.[0-9]{2})((?:\.[a-z]{2,3}\.[0-9]{2})?)(?:\.xsd)?$`)

// ParseNamespace derives the message family and version from a Document
// namespace. ok is false when the namespace names no ISO 20022 message.
func ParseNamespace(ns string) (v Version, ok bool) {
	m := nsName.FindStringSubmatch(strings.TrimSpace(ns))
	if m == nil {
		return Version{Namespace: ns}, false
	}
	base := m[1] + "." + m[2]
	return Version{Namespace: ns, Family: m[1], Base: base, Name: base + m[3]}, true
}
