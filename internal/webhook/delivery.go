package webhook

import (
	"errors"
	"time"
)

// Delivery is one webhook delivery: what makes a retry recognisable.
type Delivery struct {
	Source   string
	ID       string // the sender's delivery ID, or a hash of the body when it sends none
	BodyHash string
	At       time.Time
}

// Answer is the HTTP answer to a delivery; the first one is kept and given again to retries.
type Answer struct {
	Status int
	Body   string
}

// Receipt is what storing a delivery did.
type Receipt struct {
	LeadID   string
	Created  bool   // the lead is new
	Replayed bool   // the delivery was stored before: Answer is the first one
	Late     bool   // a replay recognised after the delivery's answer expired (the answer is rebuilt)
	Answer   Answer // the answer to give
}

// ErrDeliveryReused: a delivery ID already seen arrives with another body.
var ErrDeliveryReused = errors.New("delivery ID reused with another body")
