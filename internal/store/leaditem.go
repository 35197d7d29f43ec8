package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// leadItem is a lead as LeadsTable holds it (pk = LEAD#<id>, sk = #PROFILE).
type leadItem struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	Type   string `dynamodbav:"type"` // "lead"
	LeadID string `dynamodbav:"leadId"`
	Stage  string `dynamodbav:"stage"`

	Email         string `dynamodbav:"email,omitempty"`
	EmailOriginal string `dynamodbav:"emailOriginal,omitempty"`
	FirstName     string `dynamodbav:"firstName,omitempty"`
	LastName      string `dynamodbav:"lastName,omitempty"`
	Phone         string `dynamodbav:"phone,omitempty"`
	Company       string `dynamodbav:"company,omitempty"`
	JobTitle      string `dynamodbav:"jobTitle,omitempty"`
	CompanySize   string `dynamodbav:"companySize,omitempty"`
	Industry      string `dynamodbav:"industry,omitempty"`
	Country       string `dynamodbav:"country,omitempty"`
	Region        string `dynamodbav:"region,omitempty"`
	PostalCode    string `dynamodbav:"postalCode,omitempty"`
	Website       string `dynamodbav:"website,omitempty"`
	CompanyDomain string `dynamodbav:"companyDomain,omitempty"`
	FreeMail      *bool  `dynamodbav:"freeMail,omitempty"`
	UTMSource     string `dynamodbav:"utmSource,omitempty"`
	UTMMedium     string `dynamodbav:"utmMedium,omitempty"`
	UTMCampaign   string `dynamodbav:"utmCampaign,omitempty"`
	UTMTerm       string `dynamodbav:"utmTerm,omitempty"`
	UTMContent    string `dynamodbav:"utmContent,omitempty"`
	Referrer      string `dynamodbav:"referrer,omitempty"`
	Message       string `dynamodbav:"message,omitempty"`
	Consent       *bool  `dynamodbav:"consent,omitempty"`
	ConsentAt     string `dynamodbav:"consentAt,omitempty"`
	ConsentField  string `dynamodbav:"consentField,omitempty"`

	Source  string   `dynamodbav:"source,omitempty"`
	Sources []string `dynamodbav:"sources,stringset,omitempty"`

	Score          *float64 `dynamodbav:"score,omitempty"`
	FitScore       *float64 `dynamodbav:"fitScore,omitempty"`
	BehaviourScore *float64 `dynamodbav:"behaviourScore,omitempty"`
	Explanation    string   `dynamodbav:"explanation,omitempty"`
	QualifiesFor   string   `dynamodbav:"qualifiesFor,omitempty"`
	BelowSQL       bool     `dynamodbav:"belowSqlThreshold,omitempty"`
	// BelowSQLAts: when the SQL's score first fell below the SQL threshold after each of its hand-offs.
	BelowSQLAts   []string `dynamodbav:"belowSqlAts,omitempty"`
	ScoredAt      string   `dynamodbav:"scoredAt,omitempty"`
	ScoreContract string   `dynamodbav:"scoreContract,omitempty"`

	// HeldAt, HeldReason, HeldCause: the lead qualifies for sales but is kept from them for want of consent.
	HeldAt     string `dynamodbav:"heldAt,omitempty"`
	HeldReason string `dynamodbav:"heldReason,omitempty"`
	HeldCause  string `dynamodbav:"heldCause,omitempty"`

	StageAt     string `dynamodbav:"stageAt,omitempty"`
	SQLAt       string `dynamodbav:"sqlAt,omitempty"`
	DecayAt     string `dynamodbav:"decayAt,omitempty"`
	DecayBucket string `dynamodbav:"decayBucket,omitempty"`

	OwnerID    string `dynamodbav:"ownerId,omitempty"`
	Assignment string `dynamodbav:"assignment,omitempty"`
	AssignedAt string `dynamodbav:"assignedAt,omitempty"`

	DealAmount   string `dynamodbav:"dealAmount,omitempty"`
	DealCurrency string `dynamodbav:"dealCurrency,omitempty"`

	CreatedAt string `dynamodbav:"createdAt"`
	UpdatedAt string `dynamodbav:"updatedAt"`
	ProfileAt string `dynamodbav:"profileAt,omitempty"`
	Version   int64  `dynamodbav:"version"`
	// ExpiresAt: retention.leads after the last thing heard of the lead (retention.go); 0 on items written
	// before retention.
	ExpiresAt int64 `dynamodbav:"expiresAt,omitempty"`
	// HeardAt is the last thing heard of the lead when its expiry was last computed from its history: an activity
	// that has since expired was still heard of then, and the lead must not expire sooner for it.
	HeardAt string `dynamodbav:"heardAt,omitempty"`
	// Landmarks are the activities the score reads however old they are, so that a re-score reads only the
	// horizon's (scoring.Landmarks): JSON of landmarksItem.
	Landmarks string `dynamodbav:"landmarks,omitempty"`
}

// landmarksItem is scoring.Landmarks as a lead's item holds them.
type landmarksItem struct {
	Rules   string         `json:"rules"`
	Through string         `json:"through"`
	Acts    []landmarkItem `json:"acts"`
}

// landmarkItem is one landmark: what the score and the stage read of the activity.
type landmarkItem struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	OccurredAt string            `json:"occurredAt"`
	Properties map[string]string `json:"properties,omitempty"`
}

func encodeLandmarks(m scoring.Landmarks) string {
	it := landmarksItem{Rules: m.Rules, Through: stamp(m.Through), Acts: []landmarkItem{}}
	for _, a := range m.Acts {
		it.Acts = append(it.Acts, landmarkItem{ID: a.ID, Type: a.Type, OccurredAt: stamp(a.OccurredAt), Properties: nonEmpty(a.Properties)})
	}
	b, _ := json.Marshal(it) // strings and maps of strings: cannot fail
	return string(b)
}

// landmarks reads the lead's landmarks (nil when it has none), leaving out those whose activity has expired at
// now.
func (it leadItem) landmarks(t Tables, now time.Time) (*scoring.Landmarks, error) {
	if it.Landmarks == "" {
		return nil, nil
	}
	r := reader{item: it.PK + "/" + it.SK}
	var li landmarksItem
	if err := json.Unmarshal([]byte(it.Landmarks), &li); err != nil {
		return nil, fmt.Errorf("%s: landmarks: %w", r.item, err)
	}
	m := &scoring.Landmarks{Rules: li.Rules, Through: r.time("landmarks.through", li.Through)}
	for _, a := range li.Acts {
		act := lead.Activity{ID: a.ID, LeadID: it.LeadID, Type: a.Type, OccurredAt: r.time("landmarks.occurredAt", a.OccurredAt), Properties: a.Properties}
		if act.Properties == nil {
			act.Properties = map[string]string{}
		}
		if act.ID == "" || act.Type == "" || act.OccurredAt.IsZero() || m.Through.IsZero() {
			r.fail("a landmark needs an id, a type, an occurredAt and a through")
		}
		if t.activityExpiry(act.OccurredAt) > now.Unix() {
			m.Acts = append(m.Acts, act)
		}
	}
	return m, r.err
}

const (
	profileSK = "#PROFILE"
	emailSK   = "#EMAIL"
	// decayBuckets spreads the decay index over partitions; the decay job reads each.
	decayBuckets = 10
)

func decayBucket(leadID string) string { return "DECAY#" + strconv.Itoa(bucket(leadID, decayBuckets)) }

// toLead reads a stored lead.
func (it leadItem) toLead() (lead.Lead, error) {
	r := reader{item: it.PK + "/" + it.SK}
	if it.LeadID == "" || it.Stage == "" {
		r.fail("no leadId or stage")
	}
	l := lead.Lead{ID: it.LeadID, Stage: lead.Stage(it.Stage), Message: it.Message, Source: it.Source, Sources: it.Sources,
		Contact: lead.Contact{Email: it.Email, EmailOriginal: it.EmailOriginal, FirstName: it.FirstName, LastName: it.LastName,
			Phone: it.Phone, Company: it.Company, JobTitle: it.JobTitle, CompanySize: it.CompanySize, Industry: it.Industry,
			Country: it.Country, Region: it.Region, PostalCode: it.PostalCode, Website: it.Website, CompanyDomain: it.CompanyDomain, FreeMail: it.FreeMail != nil && *it.FreeMail},
		Attribution: lead.Attribution{UTMSource: it.UTMSource, UTMMedium: it.UTMMedium, UTMCampaign: it.UTMCampaign,
			UTMTerm: it.UTMTerm, UTMContent: it.UTMContent, Referrer: it.Referrer},
		Score: lead.Score{Total: deref(it.Score), Fit: deref(it.FitScore), Behaviour: deref(it.BehaviourScore), Explanation: it.Explanation,
			Qualifies: lead.Stage(it.QualifiesFor), BelowSQL: it.BelowSQL, BelowSQLAts: r.times("belowSqlAts", it.BelowSQLAts), At: r.time("scoredAt", it.ScoredAt), ContractVersion: it.ScoreContract},
		StageAt: r.time("stageAt", it.StageAt), SQLAt: r.time("sqlAt", it.SQLAt), DecayAt: r.time("decayAt", it.DecayAt),
		Owner: it.OwnerID, OwnerReason: it.Assignment, AssignedAt: r.time("assignedAt", it.AssignedAt),
		DealAmount: it.DealAmount, DealCurrency: it.DealCurrency,
		CreatedAt: r.time("createdAt", it.CreatedAt), UpdatedAt: r.time("updatedAt", it.UpdatedAt), ProfileAt: r.time("profileAt", it.ProfileAt),
		Version: it.Version}
	if it.Consent != nil {
		l.Consent = &lead.Consent{Given: *it.Consent, At: r.time("consentAt", it.ConsentAt), Field: it.ConsentField}
	}
	if it.HeldAt != "" || it.HeldReason != "" {
		l.Held = &lead.Hold{At: r.time("heldAt", it.HeldAt), Reason: lead.HoldReason(it.HeldReason), Cause: it.HeldCause}
		if l.Held.At.IsZero() || (l.Held.Reason != lead.ConsentRefused && l.Held.Reason != lead.ConsentMissing) {
			r.fail("heldAt %q, heldReason %q: not a hold", it.HeldAt, it.HeldReason)
		}
	}
	return l, r.err
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// profileValues are the attributes a submission sets on its lead: its non-empty normalised values, by
// attribute name. They are also kept on its activity, which is how older values stay in the history after
// newer ones replace them on the lead.
func profileValues(sub lead.Submission) map[string]string {
	c, a := sub.Contact, sub.Attribution
	all := map[string]string{
		"email": c.Email, "emailOriginal": c.EmailOriginal, "firstName": c.FirstName, "lastName": c.LastName,
		"phone": c.Phone, "company": c.Company, "jobTitle": c.JobTitle, "companySize": c.CompanySize,
		"industry": c.Industry, "country": c.Country, "region": c.Region, "postalCode": c.PostalCode, "website": c.Website, "companyDomain": c.CompanyDomain,
		"utmSource": a.UTMSource, "utmMedium": a.UTMMedium, "utmCampaign": a.UTMCampaign, "utmTerm": a.UTMTerm,
		"utmContent": a.UTMContent, "referrer": a.Referrer, "message": sub.Message,
	}
	out := map[string]string{}
	for k, v := range all {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// profileAttributes are profileValues as attributes, with the free-mail flag and the consent.
func profileAttributes(sub lead.Submission) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{}
	for k, v := range profileValues(sub) {
		out[k] = str(v)
	}
	if sub.Contact.Email != "" {
		out["freeMail"] = &types.AttributeValueMemberBOOL{Value: sub.Contact.FreeMail}
	}
	if c := sub.Consent; c != nil {
		out["consent"] = &types.AttributeValueMemberBOOL{Value: c.Given}
		out["consentAt"] = str(stamp(c.At))
		if c.Field != "" {
			out["consentField"] = str(c.Field)
		}
	}
	return out
}

// activityFields are what a form_submit activity keeps of its submission: every normalised value, and the
// consent it recorded (answer, instant, question) — the proof of each consent, which the lead, holding only the
// latest, cannot give.
func activityFields(sub lead.Submission) map[string]string {
	out := profileValues(sub)
	if c := sub.Consent; c != nil {
		out["consent"], out["consentAt"] = strconv.FormatBool(c.Given), stamp(c.At)
		if c.Field != "" {
			out["consentField"] = c.Field
		}
	}
	return out
}

// activityItem is an activity as ActivitiesTable holds it.
type activityItem struct {
	PK         string            `dynamodbav:"pk"`
	SK         string            `dynamodbav:"sk"`
	LeadID     string            `dynamodbav:"leadId"`
	ActivityID string            `dynamodbav:"activityId"`
	Type       string            `dynamodbav:"type"`
	OccurredAt string            `dynamodbav:"occurredAt"`
	ReceivedAt string            `dynamodbav:"receivedAt"`
	Source     string            `dynamodbav:"source"`
	DeliveryID string            `dynamodbav:"deliveryId"`
	Properties map[string]string `dynamodbav:"properties,omitempty"`
	Fields     map[string]string `dynamodbav:"fields,omitempty"` // a submission's normalised values
	ExpiresAt  int64             `dynamodbav:"expiresAt"`        // retention.activities after occurredAt
}

// activitySK is an activity's sort key: its instant first, so a lead's activities read in time order.
func activitySK(a lead.Activity) string { return stamp(a.OccurredAt) + "#" + a.ID }

func (t Tables) newActivityItem(a lead.Activity, fields map[string]string) activityItem {
	return activityItem{PK: leadPK(a.LeadID), SK: activitySK(a), LeadID: a.LeadID, ActivityID: a.ID, Type: a.Type,
		OccurredAt: stamp(a.OccurredAt), ReceivedAt: stamp(a.ReceivedAt), Source: a.Source, DeliveryID: a.DeliveryID,
		Properties: nonEmpty(a.Properties), Fields: nonEmpty(fields), ExpiresAt: t.activityExpiry(a.OccurredAt)}
}

func (it activityItem) toActivity() (lead.Activity, error) {
	r := reader{item: it.PK + "/" + it.SK}
	a := lead.Activity{ID: it.ActivityID, LeadID: it.LeadID, Type: it.Type, OccurredAt: r.time("occurredAt", it.OccurredAt),
		ReceivedAt: r.time("receivedAt", it.ReceivedAt), Source: it.Source, DeliveryID: it.DeliveryID, Properties: it.Properties}
	if a.ID == "" || a.Type == "" || a.OccurredAt.IsZero() {
		r.fail("an activity needs an activityId, a type and an occurredAt")
	}
	if a.Properties == nil {
		a.Properties = map[string]string{}
	}
	return a, r.err
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
