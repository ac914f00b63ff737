package batch

import "testing"

func TestMaskIBAN(t *testing.T) {
	for in, want := range map[string]string{
		"DE89370400440532013000":      "DE89**************3000",
		"DE89 3704 0044 0532 0130 00": "DE89**************3000",
		"NO9386011117947":             "NO93*******7947",
		"short":                       "*****",
		"":                            "",
	} {
		if got := MaskIBAN(in); got != want {
			t.Errorf("MaskIBAN(%q) = %q, want %q", in, got, want)
		}
	}
}
