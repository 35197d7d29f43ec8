package demo

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// post sends an SQL-to-be from its source, as its sender would, then what makes it an SQL: a demo request from
// the site's tracking for a contact-form lead (a hand-raiser), or the audit lead's activities (a webinar, a white
// paper, the pricing page) that lift its score past the SQL threshold.
func (d *run) post(ctx context.Context, s *SQL) error {
	p := s.Lead
	switch s.Source {
	case "site-contact":
		if _, err := d.cl.send(ctx, "site-contact", d.siteForm(p, p.Title)); err != nil {
			return err
		}
		if _, err := d.cl.send(ctx, "tracking", map[string]any{"email": p.Email, "type": "demo_request"}); err != nil {
			return err
		}
		d.say("lead %s %s (%s) from the contact form, then a demo request from tracking", p.First, p.Last, p.Company)
	case "typeform-audit":
		if _, err := d.cl.send(ctx, "typeform-audit", d.typeform(p)); err != nil {
			return err
		}
		if err := d.activities(ctx, p, "webinar_attended", "content_download", "page_view"); err != nil {
			return err
		}
		d.say("lead %s %s (%s) from the Typeform audit, then a webinar, a white paper and the pricing page from tracking", p.First, p.Last, p.Company)
	default:
		return fmt.Errorf("no demo payload for source %s", s.Source)
	}
	return nil
}

// marketingLeads are the day's leads that stay with marketing: a webinar registrant from Webflow who reads a lot
// but fits nobody's profile (an MQL that cannot become an SQL), and a technician from the contact form.
func (d *run) marketingLeads(ctx context.Context, mql, nurture person) error {
	if _, err := d.cl.send(ctx, "webflow-webinar", d.webflow(mql)); err != nil {
		return err
	}
	if err := d.activities(ctx, mql, "webinar_attended", "content_download", "page_view"); err != nil {
		return err
	}
	if _, err := d.cl.send(ctx, "site-contact", d.siteForm(nurture, "Technicien de maintenance")); err != nil {
		return err
	}
	d.say("leads %s (%s) from the Webflow webinar form with tracking, and %s (%s) from the contact form: marketing's",
		mql.Last, mql.Company, nurture.Last, nurture.Company)
	return nil
}

func (d *run) siteForm(p person, title string) map[string]any {
	return map[string]any{"E-mail professionnel": p.Email, "Prénom": p.First, "Nom": p.Last, "Société": p.Company,
		"Fonction": title, "Effectif": p.Size, "Secteur": p.Industry, "Pays": "France", "Code postal": p.Postcode,
		"J'accepte d'être recontacté": "oui", "Message": "Nous cherchons une GMAO pour nos sites."}
}

// typeform is a form_response webhook as Typeform sends it, answers keyed by the fields' refs.
func (d *run) typeform(p person) map[string]any {
	seq := d.cl.seq.Add(1)
	field := func(ref, typ string) map[string]any { return map[string]any{"id": "f-" + ref, "type": typ, "ref": ref} }
	now := d.cl.now().UTC().Format(time.RFC3339)
	return map[string]any{"event_id": fmt.Sprintf("01DEMO%08d", seq), "event_type": "form_response",
		"form_response": map[string]any{"form_id": "lT4Z3j", "token": fmt.Sprintf("demo%08d", seq), "landed_at": now, "submitted_at": now,
			"definition": map[string]any{"id": "lT4Z3j", "title": "Audit de maintenance"},
			"answers": []any{
				map[string]any{"type": "email", "email": p.Email, "field": field("work_email", "email")},
				map[string]any{"type": "text", "text": p.First, "field": field("first_name", "short_text")},
				map[string]any{"type": "text", "text": p.Last, "field": field("last_name", "short_text")},
				map[string]any{"type": "text", "text": p.Company, "field": field("company", "short_text")},
				map[string]any{"type": "choice", "choice": map[string]any{"label": p.Title}, "field": field("role", "multiple_choice")},
				map[string]any{"type": "number", "number": 120 + 10*d.rng.IntN(30), "field": field("fleet_size", "number")},
			}}}
}

// webflow is a form_submission webhook as Webflow sends it.
func (d *run) webflow(p person) map[string]any {
	seq := d.cl.seq.Add(1)
	return map[string]any{"triggerType": "form_submission", "payload": map[string]any{"name": "Inscription webinar",
		"siteId": "62749158efef318abc8d5a0f", "formId": "6321ca84df3949bfc675231f", "id": fmt.Sprintf("demo%020d", seq),
		"submittedAt": d.cl.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		"data":        map[string]any{"Email": p.Email, "Name": p.Last, "Company": p.Company, "Webinar": "Maintenance prédictive 2027"}}}
}

// activities posts a batch of tracking events for a lead.
func (d *run) activities(ctx context.Context, p person, kinds ...string) error {
	var batch []any
	for _, k := range kinds {
		a := map[string]any{"type": k}
		switch k {
		case "page_view":
			a["url"] = "https://maintenia.fr/tarifs"
		case "content_download":
			a["content"] = "Livre blanc GMAO 2027"
		case "webinar_attended":
			a["webinar"], a["duration_minutes"] = "Maintenance prédictive 2027", 45
		}
		batch = append(batch, a)
	}
	_, err := d.cl.send(ctx, "tracking", map[string]any{"email": p.Email, "activities": batch})
	return err
}

// prefix is a subject's fixed start, before its first verb.
func prefix(format string) string {
	before, _, _ := strings.Cut(format, "%")
	return before
}

// waitMail waits until SES local holds n emails whose subject starts as format's and that name the company.
func (d *run) waitMail(ctx context.Context, what, company, format string, n int) error {
	_, err := d.waitMails(ctx, what, company, format, n)
	return err
}

func (d *run) waitMails(ctx context.Context, what, company, format string, n int) ([]Mail, error) {
	deadline := time.Now().Add(d.cfg.Wait)
	for {
		all, err := d.cl.mails(ctx)
		if err != nil {
			return nil, err
		}
		var got []Mail
		for _, m := range all {
			if strings.HasPrefix(m.Subject, prefix(format)) && (strings.Contains(m.Subject, company) || strings.Contains(m.Body.Text, company)) {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("waited %s for %s: %d of %d emails in SES local", d.cfg.Wait, what, len(got), n)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// waitSQLEmail waits for the company's nth SQL email (the second: the one to the rep it was reassigned to) and
// returns it.
func (d *run) waitSQLEmail(ctx context.Context, company string, n int) (Mail, error) {
	got, err := d.waitMails(ctx, "the SQL email about "+company, company, d.email.Subject, n)
	if err != nil {
		return Mail{}, err
	}
	return got[n-1], nil
}
