package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// Reports keeps the report of record of each month, in SlaTable:
//
//	pk = REPORT#<yyyy-mm>  sk = #REPORT               when the figures were taken, their digest, the state of the
//	                                                 month's emails (under a version)
//	pk = REPORT#<yyyy-mm>  sk = #REPORT#FIGURES#<nnn> the figures (report.Encode's JSON, gzip), in parts of at
//	                                                 most 300 KB (an item holds 400 KB)
//
// The record and its figures are written once, in one transaction; only the emails' state changes afterwards.
type Reports struct {
	db *client
	t  Tables
}

// NewReports builds the store of monthly reports.
func NewReports(db DB, t Tables) *Reports { return &Reports{db: newClient(db), t: t} }

const (
	reportSK    = "#REPORT"
	figuresSK   = "#REPORT#FIGURES#"
	figuresPart = 300_000
	maxFigures  = 3_600_000 // a transaction writes at most 4 MB
)

func reportPK(m contract.Month) string { return "REPORT#" + m.String() }

// reportItem is a month's report record.
type reportItem struct {
	PK              string    `dynamodbav:"pk"`
	SK              string    `dynamodbav:"sk"`
	Kind            string    `dynamodbav:"kind"` // "report"
	ReportMonth     string    `dynamodbav:"reportMonth"`
	AsOf            string    `dynamodbav:"asOf"`
	ComputedAt      string    `dynamodbav:"computedAt"`
	ContractVersion string    `dynamodbav:"contractVersion"`
	Digest          string    `dynamodbav:"digest"`
	SQLs            int       `dynamodbav:"sqls"`
	Parts           int       `dynamodbav:"parts"`
	Mail            mailItem  `dynamodbav:"mail"`
	MailBy          string    `dynamodbav:"mailBy,omitempty"`
	Resend          *mailItem `dynamodbav:"resend,omitempty"`
	ResendBy        string    `dynamodbav:"resendBy,omitempty"`
	Resends         int       `dynamodbav:"resends"`
	Version         int64     `dynamodbav:"version"`
	// ExpiresAt: retention.handoffs after the month's end — its figures list lead IDs and the comments of
	// rejections, so the report goes with the last of the month's hand-offs (reportExpiry).
	ExpiresAt int64 `dynamodbav:"expiresAt"`
}

// figuresItem is a part of a month's figures.
type figuresItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"` // "report.figures"
	N         int    `dynamodbav:"n"`
	Data      []byte `dynamodbav:"data"`
	ExpiresAt int64  `dynamodbav:"expiresAt"` // the record's
}

func (t Tables) newReportItem(st records.Stored, parts int) reportItem {
	it := reportItem{ExpiresAt: t.reportExpiry(st.Month), PK: reportPK(st.Month), SK: reportSK, Kind: "report", ReportMonth: st.Month.String(), AsOf: stamp(st.AsOf),
		ComputedAt: stamp(st.ComputedAt), ContractVersion: st.Contract, Digest: st.Digest, SQLs: st.SQLs, Parts: parts,
		Mail: newMailItem(st.Mail), MailBy: st.MailBy, ResendBy: st.ResendBy, Resends: st.Resends, Version: st.Version}
	if st.Resend.Status != "" {
		m := newMailItem(st.Resend)
		it.Resend = &m
	}
	return it
}

func (it reportItem) toStored() (records.Stored, int, error) {
	r := reader{item: it.PK + "/" + it.SK}
	m, err := records.ParseMonth(it.ReportMonth)
	if err != nil || reportPK(m) != it.PK {
		r.fail("reportMonth %q does not match the key", it.ReportMonth)
	}
	st := records.Stored{Month: m, AsOf: r.time("asOf", it.AsOf), ComputedAt: r.time("computedAt", it.ComputedAt),
		Contract: it.ContractVersion, Digest: it.Digest, SQLs: it.SQLs, Mail: it.Mail.toMail(&r, "mail"), MailBy: it.MailBy,
		ResendBy: it.ResendBy, Resends: it.Resends, Version: it.Version}
	if it.Resend != nil {
		st.Resend = it.Resend.toMail(&r, "resend")
	}
	if st.AsOf.IsZero() || st.Digest == "" || it.Parts < 1 {
		r.fail("no asOf, digest or figures")
	}
	return st, it.Parts, r.err
}

// Create stores a month's report of record — its figures, and its email claimed — unless the month has one: then
// it returns the one stored (without its figures) and records.ErrReported, and writes nothing.
func (s *Reports) Create(ctx context.Context, st records.Stored) (records.Stored, error) {
	data, err := pack(st.Figures)
	if err != nil {
		return records.Stored{}, fmt.Errorf("store the report of %s: %w", st.Month, err)
	}
	parts := (len(data) + figuresPart - 1) / figuresPart
	st.Digest, st.Version = records.Digest(st.Figures), 1
	txn := []types.TransactWriteItem{{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(s.t.newReportItem(st, parts)),
		ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}}}
	for n := 1; n <= parts; n++ {
		part := figuresItem{PK: reportPK(st.Month), SK: figuresSK + fmt.Sprintf("%03d", n), Kind: "report.figures", N: n,
			Data: data[(n-1)*figuresPart : min(n*figuresPart, len(data))], ExpiresAt: s.t.reportExpiry(st.Month)}
		txn = append(txn, types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(part),
			ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	}
	reasons, err := transact(ctx, s.db, txn)
	switch {
	case err != nil:
		return records.Stored{}, fmt.Errorf("store the report of %s: %w", st.Month, err)
	case reasons == nil:
		return st, nil
	case failed(reasons, 0):
		var it reportItem
		if err := unmarshal(reasons[0].Item, &it); err != nil {
			return records.Stored{}, err
		}
		existing, _, err := it.toStored()
		if err != nil {
			return records.Stored{}, err
		}
		return existing, records.ErrReported
	case conflicted(reasons):
		// Another run is storing the month right now: what it stores is the report of record.
		existing, err := s.Get(ctx, st.Month, false)
		if err != nil {
			return records.Stored{}, fmt.Errorf("store the report of %s: a concurrent run: %w", st.Month, err)
		}
		return existing, records.ErrReported
	}
	return records.Stored{}, fmt.Errorf("store the report of %s: unexpected cancellation %s", st.Month, describe(reasons))
}

// Get reads a month's report record, consistently; with figures, its figures too (checked against their
// digest). records.ErrNoReport when the month has none.
func (s *Reports) Get(ctx context.Context, m contract.Month, withFigures bool) (records.Stored, error) {
	if !withFigures {
		it, err := s.record(ctx, m)
		if err != nil {
			return records.Stored{}, err
		}
		st, _, err := it.toStored()
		return st, err
	}
	var (
		rec   *reportItem
		parts [][]byte
	)
	err := queryAll(ctx, s.db, &dynamodb.QueryInput{TableName: &s.t.SLA, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(reportPK(m))}, ConsistentRead: aws.Bool(true),
	}, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			if describeKey(item) == reportPK(m)+"/"+reportSK {
				rec = &reportItem{}
				if err := unmarshal(item, rec); err != nil {
					return err
				}
				continue
			}
			var part figuresItem
			if err := unmarshal(item, &part); err != nil {
				return err
			}
			if part.N != len(parts)+1 || part.SK != figuresSK+fmt.Sprintf("%03d", part.N) {
				return fmt.Errorf("stored item %s: figures part %d out of order", describeKey(item), part.N)
			}
			parts = append(parts, part.Data)
		}
		return nil
	})
	if err != nil {
		return records.Stored{}, fmt.Errorf("load the report of %s: %w", m, err)
	}
	if rec == nil {
		return records.Stored{}, records.ErrNoReport
	}
	st, n, err := rec.toStored()
	if err != nil {
		return records.Stored{}, err
	}
	where := reportPK(m) + "/" + reportSK
	if len(parts) != n {
		return records.Stored{}, fmt.Errorf("stored item %s: %d figures parts of %d", where, len(parts), n)
	}
	zr, err := gzip.NewReader(bytes.NewReader(bytes.Join(parts, nil)))
	if err == nil {
		st.Figures, err = io.ReadAll(zr)
	}
	if err != nil {
		return records.Stored{}, fmt.Errorf("stored item %s: figures: %w", where, err)
	}
	if records.Digest(st.Figures) != st.Digest {
		return records.Stored{}, fmt.Errorf("stored item %s: the figures do not match their digest", where)
	}
	return st, nil
}

// record reads a month's report record (without its figures), consistently.
func (s *Reports) record(ctx context.Context, m contract.Month) (reportItem, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.SLA, Key: key(reportPK(m), reportSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return reportItem{}, fmt.Errorf("load the report of %s: %w", m, err)
	}
	if out.Item == nil {
		return reportItem{}, records.ErrNoReport
	}
	var it reportItem
	if err := unmarshal(out.Item, &it); err != nil {
		return reportItem{}, err
	}
	return it, nil
}

// Update reads a month's report record, lets change decide (the emails' state; the figures never change), and
// writes it back on the condition that it is still the version read; when another run got there first it reads
// again and asks again. It returns the record as written (as read, with records.ErrNoChange, when change wrote
// nothing).
func (s *Reports) Update(ctx context.Context, m contract.Month, change func(*records.Stored) error) (records.Stored, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		it, err := s.record(ctx, m)
		if err != nil {
			return records.Stored{}, err
		}
		old, parts, err := it.toStored()
		if err != nil {
			return records.Stored{}, err
		}
		st := old
		if err := change(&st); err != nil {
			return old, err
		}
		// Only the emails' state is the change's to make.
		st.Month, st.AsOf, st.ComputedAt, st.Contract, st.Digest, st.SQLs = old.Month, old.AsOf, old.ComputedAt, old.Contract, old.Digest, old.SQLs
		st.Version = old.Version + 1
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.t.SLA, Item: marshal(s.t.newReportItem(st, parts)),
			ConditionExpression:       aws.String("#v = :v"),
			ExpressionAttributeNames:  map[string]string{"#v": "version"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": num(old.Version)}})
		switch {
		case conditionFailed(err):
			backoff(ctx, attempt)
		case err != nil:
			return old, fmt.Errorf("update the report of %s: %w", m, err)
		default:
			return st, nil
		}
	}
	return records.Stored{}, fmt.Errorf("update the report of %s: %w", m, ErrConflict)
}

// rewriteFigures replaces the figures of a stored report — erasure's doing only: the figures are otherwise
// written once — and their digest, on the condition that the record is still the one read.
func (s *Reports) rewriteFigures(ctx context.Context, st records.Stored, figures []byte) error {
	it, err := s.record(ctx, st.Month)
	if err != nil {
		return err
	}
	data, err := pack(figures)
	if err != nil {
		return fmt.Errorf("rewrite the figures of %s: %w", st.Month, err)
	}
	parts := (len(data) + figuresPart - 1) / figuresPart
	txn := []types.TransactWriteItem{{Update: &types.Update{TableName: &s.t.SLA, Key: key(reportPK(st.Month), reportSK),
		UpdateExpression:          aws.String("SET #d = :d, #p = :p ADD #v :one"),
		ConditionExpression:       aws.String("#v = :v"),
		ExpressionAttributeNames:  map[string]string{"#d": "digest", "#p": "parts", "#v": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberS{Value: records.Digest(figures)}, ":p": num(int64(parts)), ":one": num(1), ":v": num(it.Version)}}}}
	for n := 1; n <= max(parts, it.Parts); n++ {
		k := key(reportPK(st.Month), figuresSK+fmt.Sprintf("%03d", n))
		if n > parts {
			txn = append(txn, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.t.SLA, Key: k}})
			continue
		}
		part := figuresItem{PK: reportPK(st.Month), SK: figuresSK + fmt.Sprintf("%03d", n), Kind: "report.figures", N: n,
			Data: data[(n-1)*figuresPart : min(n*figuresPart, len(data))], ExpiresAt: s.t.reportExpiry(st.Month)}
		txn = append(txn, types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(part)}})
	}
	reasons, err := transact(ctx, s.db, txn)
	switch {
	case err != nil:
		return fmt.Errorf("rewrite the figures of %s: %w", st.Month, err)
	case reasons != nil:
		return fmt.Errorf("rewrite the figures of %s: %s: %w", st.Month, describe(reasons), ErrConflict)
	}
	return nil
}

// pack compresses figures as they are stored, refusing what one transaction cannot hold.
func pack(figures []byte) ([]byte, error) {
	var packed bytes.Buffer
	zw := gzip.NewWriter(&packed)
	if _, err := zw.Write(figures); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if packed.Len() > maxFigures {
		return nil, fmt.Errorf("%d bytes of figures compressed, more than the %d a transaction holds", packed.Len(), maxFigures)
	}
	return packed.Bytes(), nil
}
