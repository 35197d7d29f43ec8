package feedback_test

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestLinkKeyRotation: during a rotation the link key secret holds the new key, then the old one (`new\nold`).
// Both pages open a link signed with either, so the links already in inboxes keep working for their 30 or 35
// days; a link signed with a key the secret does not list is refused, as any forged link is.
func TestLinkKeyRotation(t *testing.T) {
	t.Parallel()
	newKey, oldKey, stranger := []byte("the-new-feedback-link-key-2026-12-07"), key, []byte("a-key-the-secret-never-listed-0123456789")
	rotating, err := signed.ParseKeys(string(newKey) + "\n" + string(oldKey))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		signedBy []byte
		want     int
	}{
		{"signed with the new key", newKey, 200},
		{"signed with the old key, within the window", oldKey, 200},
		{"signed with a key not listed", stranger, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.page = feedback.NewPage(f.c, f.handoffs, store.NewLeads(f.db, f.tables), rotating, func() time.Time { return now }, testenv.Logger(t))
			token := handoff.Sign(tc.signedBy, handoff.Link{Handoff: f.handoff, RepID: "thomas-martin", Action: handoff.Accept, Expires: now.Add(time.Hour)})
			if got := f.do("GET", token, "").StatusCode; got != tc.want {
				t.Errorf("answer page: %d, want %d", got, tc.want)
			}
			ideasPage := newIdeasFixture(t, "fr")
			ideasPage.handler = feedback.Router(nil, feedback.NewIdeasPage(ideasPage.c, ideasPage.store, rotating, func() time.Time { return now }, testenv.Logger(t)))
			if got := ideasPage.do("GET", ideas.Sign(tc.signedBy, ideas.Link{RepID: "thomas-martin", Expires: now.Add(time.Hour)}), "", nil).StatusCode; got != tc.want {
				t.Errorf("ideas page: %d, want %d", got, tc.want)
			}
		})
	}
}
