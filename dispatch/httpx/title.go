package httpx

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Title builds the free-text field that carries a payment's identity where a
// provider has no dedicated fields for it (p100 transferTitle, Wirex
// reference): "<key> <end-to-end id> <batch id> <remittance>". The key comes
// first and is a whole word, so a lookup matches it exactly, never as a
// prefix. Nothing is cut: if the text does not fit in max characters the
// caller gets an error and rejects the payment (CH16) rather than send a
// remittance the creditor would see truncated.
func Title(key, endToEndID, batchID, remittance string, max int) (string, error) {
	if key == "" || strings.ContainsAny(key, " \t\r\n") {
		return "", fmt.Errorf("payment key %q is empty or contains spaces", key)
	}
	parts := []string{key, dash(endToEndID), dash(batchID)}
	if r := strings.Join(strings.Fields(remittance), " "); r != "" {
		parts = append(parts, r)
	}
	t := strings.Join(parts, " ")
	if n := utf8.RuneCountInString(t); n > max {
		return "", fmt.Errorf("key, end-to-end id, batch id and remittance need %d characters, the provider allows %d", n, max)
	}
	return t, nil
}

// ParsedTitle is what Title put into the text.
type ParsedTitle struct {
	Key, EndToEndID, BatchID, Remittance string
}

// ParseTitle reads a text built by Title. Texts not built by paybatch parse
// to whatever words they have; an empty Key means "not ours".
func ParseTitle(t string) ParsedTitle {
	f := strings.SplitN(strings.TrimSpace(t), " ", 4)
	var p ParsedTitle
	for i, v := range f {
		if v == "-" {
			v = ""
		}
		switch i {
		case 0:
			p.Key = v
		case 1:
			p.EndToEndID = v
		case 2:
			p.BatchID = v
		case 3:
			p.Remittance = v
		}
	}
	return p
}

// dash stands in for an empty or multi-word id so positions stay fixed.
func dash(s string) string {
	s = strings.Join(strings.Fields(s), "_")
	if s == "" {
		return "-"
	}
	return s
}
