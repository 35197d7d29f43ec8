package forget_test

// Independent audit of the GDPR work (issue 17): README "Erasure": "The address is normalised as ingest
// identifies leads". An address pasted with an invisible character at its edge (a zero-width space, a byte-order
// mark: what copying from a mail client or a PDF brings) is the lead ingest stored without it; erasure must look
// for that lead, not answer "nothing to erase".

import (
	"context"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/forget"
	"github.com/handoff-sla/handoff/internal/ingest/intake"
	"github.com/handoff-sla/handoff/internal/lead"
)

type askedFor struct{ emails []string }

func (a *askedFor) Forget(_ context.Context, email string, _ time.Time) (string, lead.Erased, error) {
	a.emails = append(a.emails, email)
	return "", lead.Erased{}, nil
}

func TestAudit17ErasureNormalisesAsIngestDoes(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"\u200bZoe.Quintrell@Quintrell-Forges.FR", "\ufeffzoe.quintrell@quintrell-forges.fr", " zoe.quintrell@quintrell-forges.fr\u200b"} {
		sub, err := intake.Parser{DefaultRegion: "FR"}.Submission(intake.Fields{"email": raw}, nil, time.Now())
		if err != nil {
			t.Fatalf("ingest refuses %q: %v", raw, err)
		}
		var people askedFor
		r, err := forget.Person(context.Background(), &people, raw, time.Now())
		switch {
		case err != nil:
			t.Errorf("%q: ingest stores it as %q, erasure refuses it: %v", raw, sub.Contact.Email, err)
		case len(people.emails) != 1 || people.emails[0] != sub.Contact.Email:
			t.Errorf("%q: ingest identifies the lead by %q, erasure looks for %q (and answers %q)", raw, sub.Contact.Email, people.emails, r.Status)
		}
	}
}
