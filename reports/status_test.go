package reports

import (
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func TestGroupStatus(t *testing.T) {
	tests := []struct {
		name  string
		stage Stage
		in    []batch.Status
		want  batch.Status
	}{
		{"ack all accepted", StageAck, []batch.Status{batch.ACTC, batch.ACTC}, batch.ACTC},
		{"ack mixed", StageAck, []batch.Status{batch.ACTC, batch.RJCT}, batch.PART},
		{"ack all rejected", StageAck, []batch.Status{batch.RJCT, batch.RJCT}, batch.RJCT},
		{"ack pending counts as accepted", StageAck, []batch.Status{batch.PDNG, batch.ACTC}, batch.ACTC},
		{"ack empty", StageAck, nil, batch.RJCT},
		{"final all settled", StageFinal, []batch.Status{batch.ACSC, batch.ACSC}, batch.ACSC},
		{"final mixed", StageFinal, []batch.Status{batch.ACSC, batch.RJCT}, batch.PART},
		{"final all rejected", StageFinal, []batch.Status{batch.RJCT, batch.RJCT}, batch.RJCT},
		{"final pending at deadline", StageFinal, []batch.Status{batch.ACSC, batch.PDNG}, batch.PDNG},
		{"final in flight is pending", StageFinal, []batch.Status{batch.ACSC, batch.ACSP}, batch.PDNG},
		{"final pending wins over mixed", StageFinal, []batch.Status{batch.ACSC, batch.RJCT, batch.PDNG}, batch.PDNG},
		{"final unknown status is pending", StageFinal, []batch.Status{batch.StatusNone}, batch.PDNG},
		{"final rejected and pending", StageFinal, []batch.Status{batch.RJCT, batch.PDNG}, batch.PDNG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tl Tally
			for _, s := range tt.in {
				tl.Add(TxStatus(tt.stage, s), &batch.Payment{Amount: batch.Amount{Minor: 100, Currency: "EUR"}})
			}
			if got := GroupStatus(tt.stage, tl); got != tt.want {
				t.Errorf("GroupStatus = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTxStatus(t *testing.T) {
	tests := []struct {
		stage Stage
		in    batch.Status
		want  batch.Status
	}{
		{StageAck, batch.ACTC, batch.ACTC},
		{StageAck, batch.RJCT, batch.RJCT},
		{StageAck, batch.PDNG, batch.ACTC},
		{StageFinal, batch.ACSC, batch.ACSC},
		{StageFinal, batch.ACSP, batch.ACSP},
		{StageFinal, batch.ACTC, batch.PDNG},
		{StageFinal, batch.StatusNone, batch.PDNG},
		{StageFinal, batch.RJCT, batch.RJCT},
	}
	for _, tt := range tests {
		if got := TxStatus(tt.stage, tt.in); got != tt.want {
			t.Errorf("TxStatus(%s, %q) = %s, want %s", tt.stage, tt.in, got, tt.want)
		}
	}
}

func TestTallySum(t *testing.T) {
	var tl Tally
	tl.Add(batch.ACTC, &batch.Payment{Amount: batch.Amount{Minor: 1050, Currency: "EUR"}})
	tl.Add(batch.RJCT, &batch.Payment{Amount: batch.Amount{Minor: 1, Currency: "EUR"}})
	if !tl.SumKnown() || tl.Sum.String() != "10.51" {
		t.Fatalf("sum = %s known=%v, want 10.51", tl.Sum, tl.SumKnown())
	}
	tl.Add(batch.ACTC, &batch.Payment{}) // unparsed amount
	if tl.SumKnown() {
		t.Fatal("sum known after an unknown amount")
	}
}

func TestChunks(t *testing.T) {
	long := strings.Repeat("word ", 50)
	got := chunks(long, 105, 10)
	if strings.Join(got, " ") != strings.TrimSpace(long) {
		t.Errorf("chunks lose text: %q", got)
	}
	for _, c := range got {
		if n := len([]rune(c)); n > 105 || n == 0 {
			t.Errorf("chunk of %d runes", n)
		}
	}
	if got := chunks(strings.Repeat("é", 300), 105, 2); len(got) != 2 || len([]rune(got[1])) != 105 {
		t.Errorf("limit: %d chunks", len(got))
	}
	if got := clean("a\x00b\x1bc\uFFFEd\xffe", 0); got != "abcde" {
		t.Errorf("clean = %q", got)
	}
}
