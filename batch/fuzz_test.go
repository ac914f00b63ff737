package batch

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzValidateIBAN(f *testing.F) {
	for _, s := range []string{"DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19", "iban: fr14-2004", "GB01BARC20714583608387", "", "XX", "DE89\u00a03704", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fast, slow := validIBAN(s), explainIBAN(s) == nil; fast != slow {
			t.Fatalf("validIBAN(%q) = %v, explainIBAN says %v", s, fast, slow)
		}
		err := ValidateIBAN(s)
		if err != nil {
			var ie *IBANError
			if !errors.As(err, &ie) || ie.Err == nil || ie.Reason == "" {
				t.Fatalf("ValidateIBAN(%q) = %v: not a classified *IBANError", s, err)
			}
			return
		}
		// Accepted IBANs are electronic, registry-length and mod-97.
		if NormalizeIBAN(s) != s || len(s) != ibanRegistry[IBANCountry(s)].Length || mod97(s) != 1 {
			t.Fatalf("ValidateIBAN accepted %q", s)
		}
		n := NormalizeIBAN(s)
		if NormalizeIBAN(n) != n {
			t.Fatalf("NormalizeIBAN not idempotent on %q", s)
		}
	})
}

func FuzzValidateBIC(f *testing.F) {
	for _, s := range []string{"DEUTDEFF", "DEUTDEFF500", "1234DEWWXXX", "abna be 2a", "DЕUTDEFF", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateBIC(s)
		if err != nil {
			var be *BICError
			if !errors.As(err, &be) || be.Err == nil {
				t.Fatalf("ValidateBIC(%q) = %v: not a classified *BICError", s, err)
			}
		} else if (len(s) != 8 && len(s) != 11) || !IsCountryCode(BICCountry(s)) {
			t.Fatalf("ValidateBIC accepted %q", s)
		}
		_ = BICMatchesIBANCountry(s, s)
		n := NormalizeBIC(s)
		if NormalizeBIC(n) != n {
			t.Fatalf("NormalizeBIC not idempotent on %q", s)
		}
	})
}

func FuzzTransliterate(f *testing.F) {
	for _, s := range []string{"Müller & Söhne", "ÄÖÜ", "Ärzte", "日本", "\xff", "a@b", "Ÿ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := Transliterate(s)
		if !IsSEPAText(out) {
			t.Fatalf("Transliterate(%q) = %q: non-SEPA output", s, out)
		}
		if IsSEPAText(s) && (out != s || !ok) {
			t.Fatalf("Transliterate changed SEPA text %q to %q", s, out)
		}
		if ok && utf8.ValidString(s) {
			if again, ok2 := Transliterate(out); again != out || !ok2 {
				t.Fatalf("Transliterate not idempotent: %q -> %q -> %q", s, out, again)
			}
		}
	})
}

func FuzzValidatorPayment(f *testing.F) {
	f.Add("E2E", "Jürgen", "DE89 3704 0044 0532 0130 00", "cobadeff", "Invoice €", "2030-01-31", int64(100), "EUR")
	f.Fuzz(func(t *testing.T, id, name, iban, bic, rem, date string, minor int64, cur string) {
		v := NewValidator(ValidateOptions{Lenient: true, RequireEndToEndID: true, Today: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)})
		info := &PaymentInfo{Index: 1}
		for i := 0; i < 2; i++ {
			p := &Payment{Index: i + 1, Info: info, EndToEndID: id, CreditorName: name, CreditorIBAN: iban, CreditorBIC: bic,
				RemittanceInfo: rem, RequestedExecutionDate: date, Amount: Amount{Minor: minor, Currency: cur}}
			v.Payment(p)
			for _, is := range p.Issues {
				if is.Code == "" || is.Message == "" {
					t.Fatalf("empty issue %+v", is)
				}
			}
		}
		v.Finish(&Header{HasNbOfTxs: true, NbOfTxs: 2, HasCtrlSum: true}, []*PaymentInfo{info})
	})
}

// FuzzIDSet checks the duplicate check against a map of the ids, for any
// order of ids: the input is split into ids at commas.
func FuzzIDSet(f *testing.F) {
	for _, s := range []string{"a,b,c,a", "E2E-9,E2E-10,E2E-9", "c,b,a,b", "x,,x", "1,2,3,10,20,3,30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := NewValidator(ValidateOptions{})
		seen := map[string]bool{}
		for id := range strings.SplitSeq(s, ",") {
			if got := v.seenBefore(id); got != seen[id] {
				t.Fatalf("%q in %q: seen %v, want %v", id, s, got, seen[id])
			}
			seen[id] = true
		}
	})
}
