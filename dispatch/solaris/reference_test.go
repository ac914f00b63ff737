package solaris

import "testing"

func TestReference(t *testing.T) {
	const u = "5F0C6E0A-1B2C-4D3E-8F40-123456789ABC"
	if got := Reference(u); got != "5f0c6e0a-1b2c-4d3e-8f40-123456789abc" {
		t.Errorf("UUID key not kept: %s", got)
	}
	a, b := Reference("pb-42"), Reference("pb-42")
	if a != b || !isUUID(a) {
		t.Fatalf("derived reference not deterministic or not a UUID: %s %s", a, b)
	}
	if a[14] != '5' || (a[19] != '8' && a[19] != '9' && a[19] != 'a' && a[19] != 'b') {
		t.Errorf("not a version 5 RFC 4122 UUID: %s", a)
	}
	if Reference("pb-43") == a {
		t.Error("different keys share a reference")
	}
	// Pinned: a change here would break replay for payments in flight.
	if a != "fa7bc47f-9ea3-56d6-9a0f-0bbd69442b24" {
		t.Errorf("Reference(pb-42) = %s, changed", a)
	}
}
