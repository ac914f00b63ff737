package store

import (
	"database/sql"

	"github.com/paybatch/paybatch/batch"
)

// batchRow is the batches table as sqlx scans it.
type batchRow struct {
	ID                  string        `db:"id"`
	FileName            string        `db:"file_name"`
	Source              string        `db:"source"`
	SHA256              string        `db:"sha256"`
	Format              string        `db:"format"`
	MessageName         string        `db:"message_name"`
	Namespace           string        `db:"namespace"`
	MsgID               string        `db:"msg_id"`
	CreationDateTime    string        `db:"creation_date_time"`
	DeclaredNbOfTxs     sql.NullInt64 `db:"declared_nb_of_txs"`
	DeclaredCtrlSum     dbDecimal     `db:"declared_ctrl_sum"`
	InitiatingPartyName string        `db:"initiating_party_name"`
	InitiatingPartyID   string        `db:"initiating_party_id"`
	Status              string        `db:"status"`
	Reason              string        `db:"reason"`
	ReasonText          string        `db:"reason_text"`
	Issues              string        `db:"issues"`
	Payments            int           `db:"payments"`
	Valid               int           `db:"valid"`
	Invalid             int           `db:"invalid"`
	ControlSum          dbDecimal     `db:"control_sum"`
	Stage               string        `db:"stage"`
	CreatedAt           dbTime        `db:"created_at"`
	UpdatedAt           dbTime        `db:"updated_at"`
	FinishedAt          dbTime        `db:"finished_at"`
	AckReportAt         dbTime        `db:"ack_report_at"`
	FinalReportAt       dbTime        `db:"final_report_at"`
}

func toBatchRow(b *BatchRecord) (*batchRow, error) {
	issues, err := encodeIssues(b.FileIssues)
	if err != nil {
		return nil, err
	}
	h := b.Header
	r := &batchRow{
		ID: b.ID, FileName: b.FileName, Source: b.Source, SHA256: b.SHA256,
		Format: h.Format, MessageName: h.MessageName, Namespace: h.Namespace, MsgID: h.MsgID,
		CreationDateTime:    h.CreationDateTime,
		DeclaredNbOfTxs:     sql.NullInt64{Int64: int64(h.NbOfTxs), Valid: h.HasNbOfTxs},
		DeclaredCtrlSum:     dbDecimal{h.CtrlSum, h.HasCtrlSum},
		InitiatingPartyName: h.InitiatingPartyName, InitiatingPartyID: h.InitiatingPartyID,
		Status: string(b.Status), Reason: string(b.Reason), ReasonText: b.ReasonText, Issues: issues,
		Payments: b.Payments, Valid: b.Valid, Invalid: b.Invalid,
		ControlSum: dbDecimal{b.ControlSum, true}, Stage: string(b.Stage),
		CreatedAt: dbTime{b.CreatedAt}, UpdatedAt: dbTime{b.UpdatedAt}, FinishedAt: dbTime{b.FinishedAt},
		AckReportAt: dbTime{b.AckReportAt}, FinalReportAt: dbTime{b.FinalReportAt},
	}
	return r, nil
}

func (r *batchRow) record() (*BatchRecord, error) {
	issues, err := decodeIssues(r.Issues)
	if err != nil {
		return nil, err
	}
	return &BatchRecord{
		ID: r.ID, FileName: r.FileName, Source: r.Source, SHA256: r.SHA256,
		Header: batch.Header{
			Format: r.Format, MessageName: r.MessageName, Namespace: r.Namespace, MsgID: r.MsgID,
			CreationDateTime: r.CreationDateTime,
			NbOfTxs:          int(r.DeclaredNbOfTxs.Int64), HasNbOfTxs: r.DeclaredNbOfTxs.Valid,
			CtrlSum: r.DeclaredCtrlSum.Decimal, HasCtrlSum: r.DeclaredCtrlSum.Valid,
			InitiatingPartyName: r.InitiatingPartyName, InitiatingPartyID: r.InitiatingPartyID,
		},
		Status: batch.Status(r.Status), Reason: batch.ReasonCode(r.Reason), ReasonText: r.ReasonText,
		FileIssues: issues, Payments: r.Payments, Valid: r.Valid, Invalid: r.Invalid,
		ControlSum: r.ControlSum.Decimal, Stage: Stage(r.Stage),
		CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time, FinishedAt: r.FinishedAt.Time,
		AckReportAt: r.AckReportAt.Time, FinalReportAt: r.FinalReportAt.Time,
	}, nil
}
