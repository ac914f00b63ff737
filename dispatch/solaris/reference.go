package solaris

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// referenceNamespace is the UUID namespace of paybatch's derived references,
// chosen once at random. Fixed forever: changing it would change every
// derived reference and break idempotent replay of payments in flight.
var referenceNamespace = [16]byte{0x4f, 0x1c, 0x2e, 0x7a, 0x9b, 0x3d, 0x5e, 0x60, 0x8a, 0x71, 0xc2, 0xd3, 0xe4, 0xf5, 0x06, 0x17}

// Reference is the transfer reference for a payment key: the key itself when
// it already is a UUID (lower-cased), else a version 5 UUID of the key, so the
// same key always yields the same reference.
func Reference(key string) string {
	if isUUID(key) {
		return strings.ToLower(key)
	}
	h := sha1.New()
	h.Write(referenceNamespace[:])
	h.Write([]byte(key))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return formatUUID(u)
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// isUUID reports whether s has the 8-4-4-4-12 hexadecimal form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
