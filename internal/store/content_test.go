package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
)

func contentStore(t *testing.T) (*store.Content, store.Tables) {
	t.Helper()
	names := testenv.Tables(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"],
		SLA: names["SlaTable"], Zone: paris, Retention: contract.Retention{Handoffs: 13}}
	return store.NewContent(testenv.DynamoDB(t), tables), tables
}

// TestSavePieceRacing: deliveries of one item racing — retries, versions out of order — leave one piece, the
// newest version, once in the publication order, with its TTL (retention.handoffs from publication).
func TestSavePieceRacing(t *testing.T) {
	t.Parallel()
	s, tables := contentStore(t)
	ctx := context.Background()
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := i % 4 // four versions, each sent three times, in any order
			p := content.Piece{Source: "blog", ItemID: "race", Title: fmt.Sprintf("v%d", v), URL: "https://m.fr/r",
				PublishedAt: base.AddDate(0, 0, v), UpdatedAt: base.AddDate(0, 0, v), ReceivedAt: base}
			if _, err := s.SavePiece(ctx, p); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := s.Published(ctx, base.AddDate(0, -1, 0), base.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "v3" || !got[0].PublishedAt.Equal(base.AddDate(0, 0, 3)) {
		t.Fatalf("pieces %+v, want v3 once", got)
	}
	out, err := testenv.DynamoDB(t).Query(ctx, &dynamodb.QueryInput{TableName: aws.String(tables.SLA), KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "CONTENT"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 || expiresAt(out.Items[0]) != base.AddDate(0, 13, 3).Format(time.RFC3339) {
		t.Errorf("%d listing items, expiring at %s; want 1, at %s", len(out.Items), expiresAt(out.Items[0]), base.AddDate(0, 13, 3).Format(time.RFC3339))
	}
}

// TestPublishedAndRecent: a period is [from, to); the newest come first, at most n.
func TestPublishedAndRecent(t *testing.T) {
	t.Parallel()
	s, _ := contentStore(t)
	ctx := context.Background()
	slot := time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)
	for i, at := range []time.Time{slot.AddDate(0, 0, -7).Add(-time.Millisecond), slot.AddDate(0, 0, -7), slot.Add(-time.Millisecond), slot} {
		p := content.Piece{Source: "blog", ItemID: fmt.Sprint(i), Title: fmt.Sprint(i), URL: "https://m.fr", PublishedAt: at, UpdatedAt: at, ReceivedAt: at}
		if _, err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Published(ctx, slot.AddDate(0, 0, -7), slot)
	if err != nil || len(got) != 2 || got[0].ItemID != "1" || got[1].ItemID != "2" {
		t.Errorf("the week: %+v, %v; want 1 and 2", got, err)
	}
	recent, err := s.RecentContent(ctx, 3)
	if err != nil || len(recent) != 3 || recent[0].ItemID != "3" || recent[2].ItemID != "1" {
		t.Errorf("recent: %+v, %v; want 3, 2, 1", recent, err)
	}
}

// TestDigestRecords: a rep's digest of a week is claimed once (a second claim finds it), its email moves under
// its version, and the month lists it.
func TestDigestRecords(t *testing.T) {
	t.Parallel()
	s, _ := contentStore(t)
	ctx := context.Background()
	dec := contract.Month{Year: 2026, Month: time.December}
	slot := time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)
	d := content.Digest{Week: "2026-W50", Slot: slot, Month: dec, RepID: "amelie", Pieces: []string{"blog#a", "blog#b"},
		Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: slot}}
	if _, err := s.ClaimDigest(ctx, d); err != nil {
		t.Fatal(err)
	}
	again := d
	again.Pieces = []string{"blog#c"}
	got, err := s.ClaimDigest(ctx, again)
	if !errors.Is(err, store.ErrDigestExists) || len(got.Pieces) != 2 || got.Mail.Status != outbox.MailClaimed {
		t.Fatalf("a second claim: %+v, %v", got, err)
	}
	var wg sync.WaitGroup
	passed := make(chan bool, 5)
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.UpdateDigest(ctx, dec, "2026-W50", "amelie", func(m *outbox.Mail) bool { return m.Start(slot.Add(time.Minute)) })
			if err != nil {
				t.Error(err)
			}
			passed <- ok
		}()
	}
	wg.Wait()
	close(passed)
	n := 0
	for ok := range passed {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d runs passed the gate, want 1", n)
	}
	month, err := s.DigestsOfMonth(ctx, dec)
	if err != nil || len(month) != 1 || month[0].Mail.Status != outbox.MailSending || month[0].RepID != "amelie" {
		t.Errorf("December: %+v, %v", month, err)
	}
	if other, err := s.DigestsOfMonth(ctx, dec.Next()); err != nil || len(other) != 0 {
		t.Errorf("January: %+v, %v", other, err)
	}
}

// TestPieceListedWhenFirstReceived: a piece is listed at the later of its publication and its first receipt, and
// a re-send never moves it — a piece published before a digest's slot but received after it goes in the next
// week (not in none), and a piece without a date, retried a week later, stays in the week it first came.
func TestPieceListedWhenFirstReceived(t *testing.T) {
	t.Parallel()
	s, _ := contentStore(t)
	ctx := context.Background()
	slot := time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)
	next := slot.AddDate(0, 0, 7)
	late := content.Piece{Source: "webflow", ItemID: "late", Title: "Late", URL: "https://m.fr/l",
		PublishedAt: slot.Add(-time.Minute), UpdatedAt: slot.Add(-time.Minute), ReceivedAt: slot.Add(10 * time.Minute)}
	undated := content.Piece{Source: "blog", ItemID: "undated", Title: "Undated", URL: "https://m.fr/u", ReceivedAt: slot.Add(time.Hour)}
	for _, p := range []content.Piece{late, undated} {
		if _, err := s.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.ReceivedAt = next.Add(time.Hour) // the same piece re-sent the week after
		if created, err := s.SavePiece(ctx, p); err != nil || created {
			t.Fatalf("re-send: created %v, %v", created, err)
		}
	}
	before, err := s.Published(ctx, slot.AddDate(0, 0, -7), slot)
	if err != nil || len(before) != 0 {
		t.Errorf("the week that ran before receipt: %+v, %v; want nothing", before, err)
	}
	week, err := s.Published(ctx, slot, next)
	if err != nil || len(week) != 2 || week[0].ItemID != "late" || week[1].ItemID != "undated" {
		t.Fatalf("the week after: %+v, %v; want late then undated", week, err)
	}
	if !week[0].PublishedAt.Equal(late.PublishedAt) || !week[0].SharedFrom.Equal(late.ReceivedAt) {
		t.Errorf("late: published %s shared from %s; want %s and %s", week[0].PublishedAt, week[0].SharedFrom, late.PublishedAt, late.ReceivedAt)
	}
	if !week[1].PublishedAt.Equal(undated.ReceivedAt) || !week[1].UpdatedAt.Equal(undated.ReceivedAt) {
		t.Errorf("undated: published %s updated %s; want the first receipt %s", week[1].PublishedAt, week[1].UpdatedAt, undated.ReceivedAt)
	}
	if again, err := s.Published(ctx, next, next.AddDate(0, 0, 7)); err != nil || len(again) != 0 {
		t.Errorf("the week of the re-sends: %+v, %v; want nothing (shared once)", again, err)
	}
}
