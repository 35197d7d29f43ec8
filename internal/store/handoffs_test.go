package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
)

// claimed is a hand-off of a new lead to a rep, not yet claimed in the store.
func (f *fixture) claimed(email, rep string) *handoff.Handoff {
	f.t.Helper()
	id := f.submit(email, "d-"+email, at, lead.Contact{}).LeadID
	d, err := handoff.DeadlinesFrom(f.c, at)
	if err != nil {
		f.t.Fatal(err)
	}
	return handoff.New(handoff.Key{LeadID: id, At: at}, handoff.Assignment{RepID: rep, Team: "nord", Reason: "test", At: at}, d, f.c.Version, at)
}

func (f *fixture) loads(team string) map[string]routing.Load {
	f.t.Helper()
	l, err := f.handoffs.TeamLoads(context.Background(), team)
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

// TestClaim: a hand-off is claimed once (the second claim gets the first back); the round-robin count moves
// only from the value the choice was made on; capacity holds; the lead gets its owner.
func TestClaim(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("ana@forges.fr", "thomas-martin")
	count := &routing.Count{Team: "nord", RepID: "thomas-martin", MaxOpen: 1}
	if _, err := f.handoffs.Claim(ctx, h, count, at); err != nil {
		t.Fatal(err)
	}
	again := f.claimed("ana@forges.fr", "sophie-bernard")
	again.Key = h.Key
	existing, err := f.handoffs.Claim(ctx, again, nil, at)
	if !errors.Is(err, handoff.ErrClaimed) || existing.Rep() != "thomas-martin" || existing.Mail.Status != outbox.MailClaimed {
		t.Errorf("a second claim: %v, %+v", err, existing)
	}
	if l := f.loads("nord")["thomas-martin"]; l.Assigned != 1 || l.Open != 1 || !l.Known {
		t.Errorf("thomas-martin's load = %+v", l)
	}
	lead1, _ := f.leads.Get(ctx, h.LeadID)
	if lead1.Owner != "thomas-martin" || lead1.OwnerReason != "test" {
		t.Errorf("owner = %q (%q)", lead1.Owner, lead1.OwnerReason)
	}
	// A choice made on a stale count, or beyond the rep's capacity, is refused as a whole.
	stale := f.claimed("bob@meca.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, stale, &routing.Count{Team: "nord", RepID: "thomas-martin", Seen: routing.Load{Known: true, Assigned: 0}}, at); !errors.Is(err, routing.ErrCountChanged) {
		t.Errorf("a stale count: %v", err)
	}
	if _, err := f.handoffs.Claim(ctx, stale, &routing.Count{Team: "nord", RepID: "thomas-martin", Seen: f.loads("nord")["thomas-martin"], MaxOpen: 1}, at); !errors.Is(err, routing.ErrCountChanged) {
		t.Errorf("beyond capacity: %v", err)
	}
	if _, err := f.handoffs.Get(ctx, stale.Key); !errors.Is(err, handoff.ErrNotFound) {
		t.Errorf("a refused claim left a hand-off: %v", err)
	}
	gone := f.claimed("carl@gone.fr", "julien-petit")
	gone.Key.LeadID = "ld_gone"
	if _, err := f.handoffs.Claim(ctx, gone, nil, at); !errors.Is(err, lead.ErrNotFound) {
		t.Errorf("a lead erased: %v", err)
	}
}

// TestUpdateLosesNoUpdate: concurrent changes of one hand-off all land (each records its own event).
func TestUpdateLosesNoUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("eva@laiterie.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.handoffs.Update(ctx, h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
				e := handoff.Event{Handoff: h.Key, Kind: handoff.EventReminder, N: i, At: at, RepID: h.Rep(), Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: at}}
				h.Pending = append(h.Pending, e.ID())
				return []handoff.Event{e}, nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := f.handoffs.Get(ctx, h.Key)
	if err != nil || len(got.Pending) != 6 || got.Version != 7 {
		t.Fatalf("after 6 concurrent updates: pending %v, version %d (%v)", got.Pending, got.Version, err)
	}
	for i := 0; i < 6; i++ {
		if e, err := f.handoffs.Event(ctx, h.Key, fmt.Sprint("reminder#0.", i)); err != nil || e.Mail.Status != outbox.MailClaimed {
			t.Errorf("event %d: %+v %v", i, e, err)
		}
	}
	unchanged, err := f.handoffs.Update(ctx, h.Key, at, func(*handoff.Handoff) ([]handoff.Event, error) { return nil, handoff.ErrNoChange })
	if !errors.Is(err, handoff.ErrNoChange) || unchanged.Version != 7 {
		t.Errorf("no change: %v, version %d", err, unchanged.Version)
	}
}

// TestAnswersAndReassignment: an answer writes its activity (scoring reads it) and frees the rep's open SQL; a
// reassignment moves the open SQL and the lead's owner, and counts the new rep.
func TestAnswersAndReassignment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("ines@crm.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, &routing.Count{Team: "nord", RepID: "thomas-martin"}, at); err != nil {
		t.Fatal(err)
	}
	breach := at.Add(3 * 24 * time.Hour)
	d, _ := handoff.DeadlinesFrom(f.c, breach)
	_, err := f.handoffs.Update(ctx, h.Key, breach, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(at)
		h.Mail.Sent("m", at)
		b := h.BreachFirstContact("claire-dubois", 60, breach)
		r := h.Reassign(handoff.Assignment{RepID: "sophie-bernard", Team: "sud", Reason: "after a breach", At: breach}, d, breach)
		return []handoff.Event{b, r}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if nord, sud := f.loads("nord"), f.loads("sud"); nord["thomas-martin"].Open != 0 || nord["thomas-martin"].Assigned != 1 ||
		sud["sophie-bernard"].Open != 1 || sud["sophie-bernard"].Assigned != 1 {
		t.Errorf("loads after the reassignment: nord %+v, sud %+v", nord, sud)
	}
	if l, _ := f.leads.Get(ctx, h.LeadID); l.Owner != "sophie-bernard" {
		t.Errorf("the lead's owner is %s", l.Owner)
	}
	answer := handoff.Response{Action: handoff.Reject, Reason: "other", Comment: "déjà client", At: breach.Add(time.Hour), RepID: "sophie-bernard", By: "page"}
	record := func(h *handoff.Handoff) ([]handoff.Event, error) {
		ok, err := h.Record(answer, f.c.Calendar)
		if err == nil && !ok {
			return nil, handoff.ErrNoChange
		}
		return nil, err
	}
	if _, err := f.handoffs.Update(ctx, h.Key, answer.At, record); err != nil {
		t.Fatal(err)
	}
	if _, err := f.handoffs.Update(ctx, h.Key, answer.At, record); !errors.Is(err, handoff.ErrNoChange) {
		t.Errorf("a second answer: %v", err)
	}
	acts, _ := f.leads.Activities(ctx, h.LeadID)
	answers := 0
	for _, a := range acts {
		if a.Type == lead.SalesRejected && a.Properties["reason"] == "other" && a.Properties["comment"] == "déjà client" {
			answers++
		}
	}
	if answers != 1 || f.loads("sud")["sophie-bernard"].Open != 0 {
		t.Errorf("%d rejection activities, sophie's open SQLs %d", answers, f.loads("sud")["sophie-bernard"].Open)
	}
	latest, err := f.handoffs.Latest(ctx, h.LeadID)
	if err != nil || latest.Decision.Verdict != handoff.Rejected || latest.FirstContactBreaches != 1 || len(latest.Assignments) != 2 {
		t.Errorf("latest = %+v (%v)", latest, err)
	}
	// A lead handed off again later: the latest hand-off is the new one, the first stays as it was.
	again := *h
	again.Key.At = at.Add(30 * 24 * time.Hour)
	again.Version, again.Decision, again.Assignments = 0, handoff.Decision{}, h.Assignments[:1]
	if _, err := f.handoffs.Claim(ctx, &again, nil, again.At); err != nil {
		t.Fatal(err)
	}
	if latest, _ := f.handoffs.Latest(ctx, h.LeadID); !latest.At.Equal(again.At) || latest.Answered() {
		t.Errorf("the latest hand-off is %s", latest.At)
	}
}

// TestDueIndex: only hand-offs with something due by an instant are read; an answered one leaves the index.
func TestDueIndex(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	var keys []handoff.Key
	for i := 0; i < 25; i++ {
		h := f.claimed(fmt.Sprintf("due%d@index.fr", i), "thomas-martin")
		if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
			t.Fatal(err)
		}
		if _, err := f.handoffs.Update(ctx, h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
			h.Mail.Start(at)
			h.Mail.Sent("m", at)
			if i%5 == 0 {
				h.Record(handoff.Response{Action: handoff.Accept, At: at}, f.c.Calendar)
			}
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, h.Key)
	}
	count := func(before time.Time) int {
		n := 0
		if err := f.handoffs.ForEachDue(ctx, before, func(h handoff.Handoff) error {
			if h.Answered() {
				t.Errorf("an answered hand-off is in the index: %s", h.Key)
			}
			n++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Friday 17:30 Paris: the first reminder is on Monday 11:00 (10:00 UTC).
	if n := count(time.Date(2026, 11, 30, 9, 59, 0, 0, time.UTC)); n != 0 {
		t.Errorf("%d due before the first reminder", n)
	}
	if n := count(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)); n != 20 {
		t.Errorf("%d due at the first reminder, want the 20 unanswered", n)
	}
	// Both deadlines passed and dealt with, no answer: nothing left to check, but still open (ops see it).
	if _, err := f.handoffs.Update(ctx, keys[1], at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Reminded, h.FirstContactBreached, h.FeedbackReminded, h.FeedbackBreached = len(h.Reminders), true, len(h.FeedbackReminders), true
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)); n != 19 {
		t.Errorf("%d due in ten years, want 19 (the one with nothing left to check is not)", n)
	}
	open := 0
	if err := f.handoffs.ForEachOpen(ctx, func(h handoff.Handoff) error {
		open++
		return nil
	}); err != nil || open != 20 {
		t.Errorf("%d open hand-offs (%v), want the 20 unanswered", open, err)
	}
}

// TestEventMailGate: an event's email passes the gate once.
func TestEventMailGate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("gate@mail.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
		t.Fatal(err)
	}
	var id string
	if _, err := f.handoffs.Update(ctx, h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(at)
		h.Mail.Sent("m", at)
		e := h.Remind(0, at)
		id = e.ID()
		return []handoff.Event{e}, nil
	}); err != nil {
		t.Fatal(err)
	}
	var passed sync.WaitGroup
	wins := make(chan bool, 5)
	for i := 0; i < 5; i++ {
		passed.Add(1)
		go func() {
			defer passed.Done()
			_, ok, err := f.handoffs.StartEventMail(ctx, h.Key, id, at)
			if err != nil {
				t.Error(err)
			}
			wins <- ok
		}()
	}
	passed.Wait()
	close(wins)
	n := 0
	for ok := range wins {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d callers passed the gate, want 1", n)
	}
	m := outbox.Mail{Status: outbox.MailSent, SentAt: at, MessageID: "m1"}
	if err := f.handoffs.SettleEventMail(ctx, h.Key, id, outbox.MailSending, m); err != nil {
		t.Fatal(err)
	}
	if err := f.handoffs.SettleEventMail(ctx, h.Key, id, outbox.MailSending, m); err == nil {
		t.Error("an email settled twice")
	}
	if e, err := f.handoffs.Event(ctx, h.Key, id); err != nil || e.Mail.MessageID != "m1" || e.Mail.Status != outbox.MailSent || e.RepID != "thomas-martin" {
		t.Errorf("event = %+v (%v)", e, err)
	}
	if _, _, err := f.handoffs.StartEventMail(ctx, h.Key, "reminder#0.9", at); !errors.Is(err, handoff.ErrNotFound) {
		t.Errorf("an unknown event: %v", err)
	}
}

func TestMalformedHandoff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("bad@item.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
		t.Fatal(err)
	}
	_, err := f.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &f.tables.SLA,
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + h.LeadID}, "sk": &types.AttributeValueMemberS{Value: "HANDOFF#2026-11-27T16:30:00.000Z"}},
		UpdateExpression: sdkaws.String("SET mail.#s = :x"), ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":x": &types.AttributeValueMemberS{Value: "lost"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.handoffs.Get(ctx, h.Key); err == nil || !strings.Contains(err.Error(), "LEAD#"+h.LeadID+"/HANDOFF#") || !strings.Contains(err.Error(), `"lost"`) {
		t.Errorf("a malformed hand-off: %v", err)
	}
}

// TestAHandoffKeepsNoCopyOfThePerson: the hand-off item holds the lead's company and none of the person's
// details; an item written before (holding leadName, leadTitle, leadEmail, leadPhone) still reads, and its next
// write leaves them out (the item is written whole).
func TestAHandoffKeepsNoCopyOfThePerson(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("old@item.fr", "thomas-martin")
	h.LeadCompany = "Forges du Nord"
	if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
		t.Fatal(err)
	}
	pk, sk := "LEAD#"+h.LeadID, "HANDOFF#2026-11-27T16:30:00.000Z"
	item := f.item(f.tables.SLA, pk, sk)
	if item["leadCompany"] == nil {
		t.Error("no leadCompany on the hand-off")
	}
	old := []string{"leadName", "leadTitle", "leadEmail", "leadPhone"}
	for _, a := range old {
		if item[a] != nil {
			t.Errorf("the hand-off holds %s", a)
		}
	}
	// As an item written before this change holds them.
	_, err := f.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &f.tables.SLA,
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}},
		UpdateExpression: sdkaws.String("SET leadName = :n, leadTitle = :t, leadEmail = :e, leadPhone = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: "Ana Old"},
			":t": &types.AttributeValueMemberS{Value: "CTO"}, ":e": &types.AttributeValueMemberS{Value: "old@item.fr"}, ":p": &types.AttributeValueMemberS{Value: "+33472000000"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.handoffs.Get(ctx, h.Key)
	if err != nil || got.LeadCompany != "Forges du Nord" || got.Rep() != "thomas-martin" {
		t.Fatalf("an item written before: %+v %v", got, err)
	}
	if _, err := f.handoffs.Update(ctx, h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(at)
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	item = f.item(f.tables.SLA, pk, sk)
	for _, a := range old {
		if item[a] != nil {
			t.Errorf("rewritten, the hand-off still holds %s", a)
		}
	}
}

// TestAnUndeliveredAlertNamesItsEmail: an undelivered alert keeps which email it is about — its event's
// assignment, N and instant — and an alert stored before those were kept (no about* attributes) still reads,
// with them zero.
func TestAnUndeliveredAlertNamesItsEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("about@mail.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
		t.Fatal(err)
	}
	var alert string
	if _, err := f.handoffs.Update(ctx, h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(at)
		h.Mail.Sent("m", at)
		r := h.Remind(1, h.Reminders[1])
		u, _ := h.Undeliverable(r, handoff.ReasonUnknownNotResent, h.Reminders[1].Add(5*time.Minute))
		alert = u.ID()
		return []handoff.Event{r, u}, nil
	}); err != nil {
		t.Fatal(err)
	}
	e, err := f.handoffs.Event(ctx, h.Key, alert)
	if err != nil || e.About != handoff.EventReminder || e.AboutAssignment != 0 || e.AboutN != 1 || !e.AboutDue.Equal(h.Reminders[1]) {
		t.Fatalf("alert %+v (%v), want about reminder#0.1 due %s", e, err, h.Reminders[1])
	}
	_, err = f.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &f.tables.SLA,
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + h.LeadID},
			"sk": &types.AttributeValueMemberS{Value: "EVT#2026-11-27T16:30:00.000Z#" + alert}},
		UpdateExpression: sdkaws.String("REMOVE aboutAssignment, aboutN, aboutDue")})
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.handoffs.Event(ctx, h.Key, alert)
	if err != nil || old.About != handoff.EventReminder || old.AboutN != 0 || !old.AboutDue.IsZero() || old.Reason != handoff.ReasonUnknownNotResent {
		t.Errorf("an alert stored before about*: %+v (%v)", old, err)
	}
}
