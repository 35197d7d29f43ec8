// Package lead is what marketing hands over: a lead (one per normalised email), its contact details, where it
// came from, and the activities it performed. It validates and normalises what webhooks send, reporting every
// bad field at once, and holds no AWS code.
package lead

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Stage is a lead's place in the funnel.
type Stage string

// The lifecycle: subscriber -> lead -> MQL -> SQL -> accepted | rejected -> opportunity -> customer | lost.
const (
	StageSubscriber  Stage = "subscriber"
	StageLead        Stage = "lead"
	StageMQL         Stage = "mql"
	StageSQL         Stage = "sql"
	StageAccepted    Stage = "accepted"
	StageRejected    Stage = "rejected"
	StageOpportunity Stage = "opportunity"
	StageCustomer    Stage = "customer"
	StageLost        Stage = "lost"
)

// Activity types Handoff records itself, besides the contract's built-in and custom ones.
const (
	FormSubmit         = "form_submit"
	OpportunityCreated = "opportunity_created"
	DealWon            = "deal_won"
	DealLost           = "deal_lost"
	// Sales' answers to an SQL (the feedback page or the CRM).
	SalesContacted = "sales_contacted"
	SalesAccepted  = "sales_accepted"
	SalesRejected  = "sales_rejected"
)

// FieldError is one bad field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors lists every bad field of a request; the API answers it as a 400.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid fields: " + strings.Join(parts, "; ")
}

// Add appends a bad field.
func (e *FieldErrors) Add(field, format string, args ...any) {
	*e = append(*e, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns e as an error, or nil when empty, sorted by field for stable answers.
func (e FieldErrors) Err() error {
	if len(e) == 0 {
		return nil
	}
	sort.SliceStable(e, func(i, j int) bool { return e[i].Field < e[j].Field })
	return e
}

// Contact is who the lead is.
type Contact struct {
	Email         string // normalised: trimmed, lower-case
	EmailOriginal string // as submitted
	FirstName     string
	LastName      string
	Phone         string // E.164 when the country is known, else as submitted (trimmed)
	Company       string
	JobTitle      string
	CompanySize   string
	Industry      string
	Country       string // ISO 3166-1 alpha-2
	Region        string // free text or a code such as FR-IDF, for territories
	PostalCode    string // as submitted (trimmed, upper case); a French one places the lead in its region
	Website       string
	CompanyDomain string // from the email, unless it is a free-mail address; else from the website
	FreeMail      bool
}

// Attribution is where the lead came from.
type Attribution struct {
	UTMSource, UTMMedium, UTMCampaign, UTMTerm, UTMContent string
	Referrer                                               string
}

// Consent is the GDPR consent a form recorded: what was answered, when, and to which question (the form
// field's name as the sender names it: a plain form's label, a Typeform field ref). Which form it was is the
// submission's (its source, and the form's ID and title when the sender gives them).
type Consent struct {
	Given bool
	At    time.Time
	Field string
}

// ConsentAnswer is one form submission's answer to the consent question, as its form_submit activity keeps it:
// the proof of consent, submission by submission. Consent is nil when the form did not ask.
type ConsentAnswer struct {
	SubmittedAt      time.Time
	Source           string // the source that posted it
	FormID, FormName string // which form, when the sender said
	Consent          *Consent
}

// Refused reports a consent answered no. A nil consent (never asked, never answered) is not a refusal.
func (c *Consent) Refused() bool { return c != nil && !c.Given }

// Latest is the lead's latest answer of two — the one held, the one a submission brings — by the answers' own
// instants: not by the order they were delivered in (a queue, a sender's retry or polling delivers late), nor by
// the instant of the submission the rest of the profile comes from (a later form that does not ask says nothing
// of consent). Of two answers given at the same instant, the no: a lead is not handed off on a doubt. Either may
// be nil (not answered); Latest returns one of them.
func Latest(held, submitted *Consent) *Consent {
	switch {
	case submitted == nil:
		return held
	case held == nil, submitted.At.After(held.At):
		return submitted
	case held.At.After(submitted.At):
		return held
	case submitted.Refused():
		return submitted
	}
	return held
}

// ErrConsentRefused: the lead's latest answer to the consent question is no — what would give sales the means
// to reach the person (the SQL email) does not leave.
var ErrConsentRefused = errors.New("the lead's latest answer to the consent question is no")

// HoldReason is why a lead that qualified for sales is kept from them.
type HoldReason string

// Why a lead is held.
const (
	// ConsentRefused: the lead's latest answer to the consent question is no. Never handed off, whatever the
	// contract says.
	ConsentRefused HoldReason = "consent_refused"
	// ConsentMissing: the lead never answered, and the contract holds such leads (consent.missing: hold).
	ConsentMissing HoldReason = "consent_missing"
)

// Hold is a lead that qualified for sales (it would have become an SQL) and is kept with marketing instead, for
// want of consent. It lasts while the lead qualifies: consent given hands it off (then, not earlier), and a lead
// that no longer qualifies is no longer held.
type Hold struct {
	At     time.Time // when it qualified and was held
	Reason HoldReason
	Cause  string // what qualified it: a hand-raiser rule, or sql_threshold
}

// Submission is a validated, normalised form submission.
type Submission struct {
	Contact     Contact
	Attribution Attribution
	Consent     *Consent // nil when the form has no consent field
	Message     string
	OccurredAt  time.Time
	Extra       map[string]string // fields the mapping does not know, kept on the activity
}

// Minimised is what is kept of a submission that answers no to the consent question (any other is kept whole):
// who refused — the email, the lead's identity and whose refusal it is, with the name and what scoring reads —
// and the refusal itself (answer, instant, question, and the form on the activity), which prove it; not the
// means sales would use to reach them: the phone, the free-text message and the fields no mapping names (either
// may hold a phone number or an address).
func (s Submission) Minimised() Submission {
	if !s.Consent.Refused() {
		return s
	}
	s.Contact.Phone, s.Message, s.Extra = "", "", nil
	return s
}

// LeadRef names the lead an activity or outcome is about: by ID, or by email.
type LeadRef struct {
	ID    string
	Email string
}

// Activity is something a lead did (or that happened to it), as the scoring function consumes it.
type Activity struct {
	ID         string
	LeadID     string
	Type       string
	OccurredAt time.Time
	ReceivedAt time.Time
	Source     string
	DeliveryID string
	Properties map[string]string
}

// NewLeadID returns a new lead ID: "ld_" and 26 characters, sortable by creation time.
func NewLeadID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return "ld_" + base32(b)
}

// ActivityID derives an activity's ID from its delivery, so a replayed delivery can never make a second one.
func ActivityID(source, deliveryID string, index int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d", source, deliveryID, index)))
	var b [16]byte
	copy(b[:], sum[:16])
	return "ac_" + base32(b)
}

const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

func base32(b [16]byte) string {
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	out := make([]byte, 26)
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}

// ErrNotFound: no lead has this ID or email.
var ErrNotFound = errors.New("no such lead")

// Lead is a lead as it is stored: who it is, where it came from, its score and stage, and who owns it.
type Lead struct {
	ID          string
	Stage       Stage
	Contact     Contact
	Attribution Attribution
	Message     string
	Consent     *Consent // the latest answer; every answer stays on its form_submit activity
	// Held is set while the lead qualifies for sales but is kept from them for want of consent (nil otherwise).
	Held *Hold
	// Source is the source that created the lead (first touch); Sources every source that posted about it.
	Source  string
	Sources []string

	Score Score

	StageAt time.Time // the last stage change
	SQLAt   time.Time // the last time it became an SQL: its hand-off instant
	DecayAt time.Time // when the decay job re-scores it (zero: its behaviour points no longer fade)

	Owner       string // the rep who holds it
	OwnerReason string
	AssignedAt  time.Time

	// Deal is what the CRM said it was worth, once it is a customer.
	DealAmount, DealCurrency string

	CreatedAt, UpdatedAt time.Time
	ProfileAt            time.Time // the instant of the submission its profile comes from
	// Version is the store's optimistic lock: a write conditioned on the version read never loses another's.
	Version int64
}

// Name is the lead's full name.
func (l Lead) Name() string {
	return strings.TrimSpace(l.Contact.FirstName + " " + l.Contact.LastName)
}

// Score is a lead's last score, as the explanation sales and marketing read shows it.
type Score struct {
	Total, Fit, Behaviour float64 // to the cent, as shown
	Explanation           string  // JSON of the explanation lines
	Qualifies             Stage   // the stage the score alone reaches ("" neither)
	BelowSQL              bool    // an SQL whose score no longer reaches the SQL threshold
	// BelowSQLAts are the instants the SQL was first below the SQL threshold after each of its hand-offs (kept
	// when it climbs back, or is handed off again): the report counts them as of an instant.
	BelowSQLAts     []time.Time
	At              time.Time
	ContractVersion string
}

// Erased is what the erasure of a person removed or made anonymous, per kind (see store.People).
type Erased struct {
	Leads      int `json:"leads"`       // lead profiles deleted
	Claims     int `json:"emailClaims"` // claims of the email deleted
	Activities int `json:"activities"`  // activities deleted, with what each submission carried
	Handoffs   int `json:"handoffs"`    // hand-offs kept as counts, what identified the person taken off
	Reports    int `json:"reports"`     // reports of record whose rows of the lead lost their free text
}

// Total is the count of everything erased.
func (e Erased) Total() int { return e.Leads + e.Claims + e.Activities + e.Handoffs + e.Reports }
