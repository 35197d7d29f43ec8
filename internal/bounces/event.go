package bounces

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
)

// Event is an SES email event as EventBridge delivers it (the configuration set's EventBridge destination, on the
// default bus): the envelope, and in detail SES's event record — the same record SES publishes to SNS or
// Firehose (eventType, mail, bounce | complaint). See events/bounces/ for samples in the documented shape.
//
// The rules in template.yaml (SesBounces, SesComplaints) pass it reduced by an input transformer to the fields
// read here, in the same nesting, each recipient as its bare address (a JSONPath wildcard's array of strings);
// both shapes decode (events/bounces/transformed/). Nothing else of the event reaches the function, so nothing
// else lands on its failure queues.
type Event struct {
	Version    string    `json:"version"`
	ID         string    `json:"id"`
	DetailType string    `json:"detail-type"`
	Source     string    `json:"source"`
	Account    string    `json:"account"`
	Time       time.Time `json:"time"`
	Region     string    `json:"region"`
	Resources  []string  `json:"resources"`
	Detail     Detail    `json:"detail"`
}

// Detail is SES's event record.
type Detail struct {
	EventType string     `json:"eventType"`
	Mail      Mail       `json:"mail"`
	Bounce    *Bounce    `json:"bounce,omitempty"`
	Complaint *Complaint `json:"complaint,omitempty"`
}

// Mail is the email the event is about: SES's message ID and the tags it was sent with (SES adds its own,
// ses:*). Its addresses (source, destination, headers) are not read: nothing of them is kept.
type Mail struct {
	Timestamp time.Time           `json:"timestamp"`
	MessageID string              `json:"messageId"`
	Tags      map[string][]string `json:"tags"`
}

// Bounce is SES's bounce object.
type Bounce struct {
	BounceType        string     `json:"bounceType"` // Permanent | Transient | Undetermined
	BounceSubType     string     `json:"bounceSubType"`
	BouncedRecipients Recipients `json:"bouncedRecipients"`
	Timestamp         time.Time  `json:"timestamp"`
	FeedbackID        string     `json:"feedbackId"`
}

// Complaint is SES's complaint object.
type Complaint struct {
	ComplainedRecipients  Recipients `json:"complainedRecipients"`
	Timestamp             time.Time  `json:"timestamp"`
	FeedbackID            string     `json:"feedbackId"`
	ComplaintFeedbackType string     `json:"complaintFeedbackType"`
	ComplaintSubType      *string    `json:"complaintSubType"`
}

// Recipient is one address a bounce or complaint concerns (compared with the rep's, never stored or logged).
type Recipient struct {
	EmailAddress string `json:"emailAddress"`
}

// UnmarshalJSON reads SES's recipient object, or the bare address the rules' input transformer passes.
func (r *Recipient) UnmarshalJSON(b []byte) error {
	var addr string
	if err := json.Unmarshal(b, &addr); err == nil {
		r.EmailAddress = addr
		return nil
	}
	var obj struct {
		EmailAddress string `json:"emailAddress"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("a recipient: an address or an object with emailAddress: %w", err)
	}
	r.EmailAddress = obj.EmailAddress
	return nil
}

// Recipients is a bounce's or complaint's recipients: a JSON array (SES's, or the rules' JSONPath wildcard's), or
// a single recipient — not what EventBridge documents for a wildcard, read all the same rather than fail the event.
type Recipients []Recipient

// UnmarshalJSON reads an array of recipients, a single one, or null.
func (rs *Recipients) UnmarshalJSON(b []byte) error {
	var list []Recipient
	if err := json.Unmarshal(b, &list); err == nil {
		*rs = list
		return nil
	}
	var one Recipient
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*rs = Recipients{one}
	return nil
}

// The detail types SES gives its events on EventBridge, and the source.
const (
	Source              = "aws.ses"
	DetailTypeBounce    = "Email Bounced"
	DetailTypeComplaint = "Email Complaint Received"
)

// Notice is what one event says, checked: which email (its message ID and tags), what happened to it, and to
// which addresses (lower case; compared with the rep's, never kept).
type Notice struct {
	MessageID  string
	Tags       map[string][]string
	Kind       handoff.BounceKind
	SubType    string
	FeedbackID string
	At         time.Time
	Recipients []string
}

// ErrNotABounce: an SES event of another kind (a delivery, an open…), which the rule's pattern should not let
// through; nothing to do.
var ErrNotABounce = errors.New("not a bounce or a complaint")

// Read checks an event and says what it reports. A bounce SES could not classify (Undetermined) is recorded as
// transient: nothing changes on its word. An event without the fields that name the email or the report is an
// error naming the field.
func Read(ev Event) (Notice, error) {
	if ev.Source != Source {
		return Notice{}, fmt.Errorf("%w: source %q", ErrNotABounce, ev.Source)
	}
	d := ev.Detail
	n := Notice{MessageID: d.Mail.MessageID, Tags: d.Mail.Tags}
	var recipients Recipients
	switch {
	case ev.DetailType == DetailTypeBounce && d.EventType == "Bounce" && d.Bounce != nil:
		b := d.Bounce
		n.Kind, n.SubType, n.FeedbackID, n.At, recipients = handoff.BounceTransient, b.BounceSubType, b.FeedbackID, b.Timestamp, b.BouncedRecipients
		if b.BounceType == "Permanent" {
			n.Kind = handoff.BouncePermanent
		}
	case ev.DetailType == DetailTypeComplaint && d.EventType == "Complaint" && d.Complaint != nil:
		c := d.Complaint
		n.Kind, n.SubType, n.FeedbackID, n.At, recipients = handoff.BounceComplaint, c.ComplaintFeedbackType, c.FeedbackID, c.Timestamp, c.ComplainedRecipients
	case ev.DetailType == DetailTypeBounce || ev.DetailType == DetailTypeComplaint:
		return Notice{}, fmt.Errorf("detail: a %q event without its %s object (eventType %q)", ev.DetailType, strings.ToLower(strings.Fields(ev.DetailType)[1]), d.EventType)
	default:
		return Notice{}, fmt.Errorf("%w: %q", ErrNotABounce, ev.DetailType)
	}
	switch {
	case n.MessageID == "":
		return Notice{}, errors.New("detail.mail.messageId: missing")
	case n.FeedbackID == "":
		return Notice{}, errors.New("detail: feedbackId missing")
	case n.At.IsZero():
		n.At = ev.Time
	}
	for _, r := range recipients {
		n.Recipients = append(n.Recipients, strings.ToLower(strings.TrimSpace(r.EmailAddress)))
	}
	// SES's subtypes are words of its own ("General", "NoEmail", "OnAccountSuppressionList", "abuse"); anything
	// else is not kept (it is recorded, and logged).
	if !word(n.SubType) {
		n.SubType = ""
	}
	return n, nil
}

// word reports a short word of letters and digits.
func word(s string) bool {
	if len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
