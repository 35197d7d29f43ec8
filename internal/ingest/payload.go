package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ingest/intake"
	"github.com/handoff-sla/handoff/internal/jsonkeys"
	"github.com/handoff-sla/handoff/internal/lead"
)

// Limits on a payload's shape, beyond the 64 KB body limit. The depth guards are checked against each format's
// documented payloads (samples in events/ingest): the generic body nests 3 levels ({"activities":[{…}]});
// Typeform's form_response nests 7 (form_response.definition.fields[].choices[]) and 10 with a question group
// (definition.fields[].properties.fields[].choices[]); Webflow's form_submission 4 (payload.schema[]). The
// vendor adapters read fixed paths and ignore the rest, so the guard there only has to stop absurd nesting.
const (
	maxDepth       = 5  // generic JSON, whose nested objects become fields
	maxVendorDepth = 16 // Typeform, Webflow
	maxActivities  = 50
	maxFields      = 200
)

// item is one record of a payload, its fields split into known lead fields and the rest.
type item struct {
	fields       intake.Fields
	extra        map[string]string
	consentField string // the sender's name of the field that became consent (the question asked)
}

// payload is what an adapter reads from a body.
type payload struct {
	top        item   // the submission, the outcome, or the lead an activity batch is about
	batch      []item // activities, when the body lists several
	deliveryID string // from the body (Typeform event_id, Webflow payload id), "" when it has none
	formID     string // which form, when the sender says (Typeform form_id, Webflow formId)
	formName   string // its title or name
}

func bodyError(format string, args ...any) error {
	return lead.FieldErrors{{Field: "body", Message: fmt.Sprintf(format, args...)}}
}

// parsePayload reads a body in the source's format. contentType is already known to be JSON or a form.
func parsePayload(src contract.Source, isJSON bool, body []byte) (payload, error) {
	var p payload
	var err error
	switch {
	case src.Format == "typeform":
		p, err = parseTypeform(src, body)
	case src.Format == "webflow":
		p, err = parseWebflow(src, body)
	case isJSON:
		p, err = parseGenericJSON(src, body)
	default:
		p, err = parseForm(src, body)
	}
	if err != nil {
		return payload{}, err
	}
	// Values are checked by the lead rules, naming their field; unmapped fields' names are checked here.
	for _, it := range append([]item{p.top}, p.batch...) {
		for k := range it.extra {
			if !utf8.ValidString(k) || strings.ContainsRune(k, sentinel) {
				return payload{}, bodyError("has a field name that is not valid Unicode text")
			}
		}
	}
	return p, nil
}

func parseForm(src contract.Source, body []byte) (payload, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return payload{}, bodyError("is not a valid form encoding")
	}
	if len(values) > maxFields {
		return payload{}, bodyError("has more than %d fields", maxFields)
	}
	raw := map[string]string{}
	for k, vs := range values {
		raw[k] = strings.Join(vs, ", ")
	}
	return payload{top: mapFields(src, raw)}, nil
}

// decodeJSON decodes an object, refusing other top-level values and deep nesting.
func decodeJSON(body []byte) (map[string]any, error) {
	var v any
	if err := unmarshal(body, maxDepth, &v); err != nil {
		return nil, orBody(err, "is not valid JSON")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, bodyError("must be a JSON object")
	}
	return obj, nil
}

// unmarshal decodes one JSON value (numbers as json.Number) from a body prepared by jsonText.
func unmarshal(body []byte, depth int, v any) error {
	text, err := jsonText(body, depth)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return bodyError("holds more than one JSON value")
	}
	if path, dup := jsonkeys.Duplicate(text); dup {
		return duplicateKey(path)
	}
	return nil
}

// duplicateKey refuses a body whose object holds a key twice: encoding/json would keep the last one silently.
func duplicateKey(path string) error {
	if path == "" {
		return bodyError("holds the empty key twice in one object")
	}
	return lead.FieldErrors{{Field: path, Message: "appears twice in one JSON object"}}
}

// sentinel stands, in decoded values, for what encoding/json would silently turn into U+FFFD (invalid UTF-8
// and lone surrogates such as "\ud800" inside strings): a noncharacter, which the lead rules refuse, naming
// the field.
const sentinel = '\uFDD0'

// jsonText prepares a JSON body for decoding, in one pass over its bytes: it refuses nesting deeper than
// maxDepth (a cheap guard against hostile payloads), and inside strings replaces every invalid UTF-8 byte and
// every lone surrogate escape by the sentinel's escape. The body is copied only when something is replaced;
// what is not valid JSON is left for the decoder to refuse.
func jsonText(body []byte, maxDepth int) ([]byte, error) {
	var out []byte
	last := 0 // body[last:] is not copied to out yet
	replace := func(from, to int) {
		if out == nil {
			out = make([]byte, 0, len(body)+32)
		}
		out = append(append(out, body[last:from]...), `\ufdd0`...)
		last = to
	}
	depth, inString := 0, false
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case !inString:
			switch c {
			case '"':
				inString = true
			case '{', '[':
				if depth++; depth > maxDepth {
					return nil, bodyError("nests deeper than %d levels", maxDepth)
				}
			case '}', ']':
				depth--
			}
			i++
		case c == '"':
			inString = false
			i++
		case c == '\\':
			r, isU := escapedRune(body, i)
			switch {
			case !isU || !utf16.IsSurrogate(r):
				i += 2 // an escape and the character it escapes; a malformed one is the decoder's to refuse
			case r < 0xDC00: // a high surrogate must be followed by a low one
				if r2, ok := escapedRune(body, i+6); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
					i += 12
					continue
				}
				fallthrough
			default:
				replace(i, i+6)
				i += 6
			}
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size == 1 {
				replace(i, i+1)
			}
			i += size
		}
	}
	if out == nil {
		return body, nil
	}
	return append(out, body[last:]...), nil
}

// escapedRune reads a \uXXXX escape at body[i:].
func escapedRune(body []byte, i int) (rune, bool) {
	if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 32)
	return rune(n), err == nil
}

func parseGenericJSON(src contract.Source, body []byte) (payload, error) {
	obj, err := decodeJSON(body)
	if err != nil {
		return payload{}, err
	}
	var p payload
	if list, ok := obj["activities"]; ok && src.Kind == contract.ActivitySource {
		items, ok := list.([]any)
		if !ok || len(items) == 0 {
			return payload{}, lead.FieldErrors{{Field: "activities", Message: "must be a non-empty list of objects"}}
		}
		if len(items) > maxActivities {
			return payload{}, lead.FieldErrors{{Field: "activities", Message: fmt.Sprintf("must list at most %d activities, got %d", maxActivities, len(items))}}
		}
		for i, it := range items {
			o, ok := it.(map[string]any)
			if !ok {
				return payload{}, lead.FieldErrors{{Field: fmt.Sprintf("activities[%d]", i), Message: "must be an object"}}
			}
			raw, err := flatten(o, fmt.Sprintf("activities[%d].", i))
			if err != nil {
				return payload{}, err
			}
			p.batch = append(p.batch, mapFields(src, raw))
		}
		delete(obj, "activities")
	}
	raw, err := flatten(obj, "")
	if err != nil {
		return payload{}, err
	}
	p.top = mapFields(src, raw)
	return p, nil
}

// flatten turns an object into field -> text: nested objects become "a.b", lists of scalars are joined.
func flatten(obj map[string]any, errPrefix string) (map[string]string, error) {
	out := map[string]string{}
	var walk func(prefix string, o map[string]any) error
	walk = func(prefix string, o map[string]any) error {
		for k, v := range o {
			key := prefix + k
			switch val := v.(type) {
			case map[string]any:
				if err := walk(key+".", val); err != nil {
					return err
				}
			case []any:
				parts := make([]string, 0, len(val))
				for _, x := range val {
					s, ok := scalar(x)
					if !ok {
						return lead.FieldErrors{{Field: errPrefix + key, Message: "must be a value or a list of values"}}
					}
					parts = append(parts, s)
				}
				out[key] = strings.Join(parts, ", ")
			default:
				s, _ := scalar(val)
				out[key] = s
			}
			if len(out) > maxFields {
				return bodyError("has more than %d fields", maxFields)
			}
		}
		return nil
	}
	return out, walk("", obj)
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// mapFields applies the source's mapping: mapped fields and fields already named like lead fields are kept as
// lead fields (a mapped one wins), the others go to extra. A source whose mapping names the field that asks for
// consent (the contract's consent.questions, or a mapping to consent) answers with that field only: a field
// named consent it also sends is not its answer (an unticked box is not sent at all, and another field named so
// may ask something else, a newsletter's consent), and goes to extra like any field the mapping does not know.
func mapFields(src contract.Source, raw map[string]string) item {
	it := item{fields: intake.Fields{}, extra: map[string]string{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic when a raw field and a mapped one name the same lead field
	asks := asksConsent(src)
	leadField := func(k string) bool { return isLeadField(k) && !(k == "consent" && asks) }
	for _, k := range keys {
		if _, mapped := src.Mapping[k]; !mapped && leadField(k) {
			it.fields[k] = raw[k]
		}
	}
	for _, k := range keys {
		if target, ok := src.Mapping[k]; ok {
			it.fields[target] = raw[k]
		} else if !leadField(k) {
			it.extra[k] = raw[k]
		}
	}
	for _, k := range keys {
		if target, mapped := src.Mapping[k]; target == "consent" || !mapped && k == "consent" && !asks {
			it.consentField = k
		}
	}
	if src.Honeypot != "" {
		delete(it.extra, src.Honeypot) // read separately; never stored
	}
	return it
}

// asksConsent reports a source whose mapping names the field that asks for consent.
func asksConsent(src contract.Source) bool {
	for _, target := range src.Mapping {
		if target == "consent" {
			return true
		}
	}
	return false
}

var leadFields = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range contract.LeadFields {
		m[f] = true
	}
	return m
}()

func isLeadField(k string) bool { return leadFields[k] }

// honeypotFilled reports whether the hidden field bots fill is set, in any format.
func honeypotFilled(src contract.Source, isJSON bool, body []byte) bool {
	if src.Honeypot == "" {
		return false
	}
	if isJSON {
		obj, err := decodeJSON(body)
		if err != nil {
			return false
		}
		s, _ := scalar(obj[src.Honeypot])
		return strings.TrimSpace(s) != ""
	}
	values, err := url.ParseQuery(string(body))
	return err == nil && strings.TrimSpace(values.Get(src.Honeypot)) != ""
}

// typeformBody is the part of Typeform's form_response webhook Handoff reads.
type typeformBody struct {
	EventID      string `json:"event_id"`
	EventType    string `json:"event_type"`
	FormResponse *struct {
		FormID      string            `json:"form_id"`
		SubmittedAt string            `json:"submitted_at"`
		Hidden      map[string]string `json:"hidden"`
		Definition  struct {
			Title string `json:"title"`
		} `json:"definition"`
		Answers []struct {
			Type  string `json:"type"`
			Field struct {
				ID  string `json:"id"`
				Ref string `json:"ref"`
			} `json:"field"`
			Text        string                         `json:"text"`
			Email       string                         `json:"email"`
			PhoneNumber string                         `json:"phone_number"`
			URL         string                         `json:"url"`
			Date        string                         `json:"date"`
			FileURL     string                         `json:"file_url"`
			Number      json.Number                    `json:"number"`
			Boolean     *bool                          `json:"boolean"`
			Choice      *struct{ Label, Other string } `json:"choice"`
			Choices     *struct {
				Labels []string
				Other  string
			} `json:"choices"`
			// Only the amount of a payment is kept: the card's last digits and holder's name are not lead data.
			Payment *struct {
				Amount json.Number `json:"amount"`
			} `json:"payment"`
		} `json:"answers"`
	} `json:"form_response"`
}

func parseTypeform(src contract.Source, body []byte) (payload, error) {
	var tf typeformBody
	if err := unmarshal(body, maxVendorDepth, &tf); err != nil {
		return payload{}, orBody(err, "is not a Typeform webhook")
	}
	if tf.EventType != "form_response" || tf.FormResponse == nil || tf.EventID == "" {
		return payload{}, bodyError("is not a Typeform form_response event")
	}
	raw := map[string]string{}
	for k, v := range tf.FormResponse.Hidden {
		raw[k] = v
	}
	for _, a := range tf.FormResponse.Answers {
		key := a.Field.Ref
		if key == "" {
			key = a.Field.ID
		}
		var v string
		switch {
		case a.Choice != nil:
			v = firstNonEmpty(a.Choice.Label, a.Choice.Other) // "Other" answers carry their text in other
		case a.Choices != nil:
			labels := a.Choices.Labels
			if a.Choices.Other != "" {
				labels = append(labels, a.Choices.Other)
			}
			v = strings.Join(labels, ", ")
		case a.Payment != nil:
			v = a.Payment.Amount.String()
		case a.Boolean != nil:
			v = fmt.Sprint(*a.Boolean)
		default:
			v = a.Text + a.Email + a.PhoneNumber + a.URL + a.Date + a.FileURL + a.Number.String()
		}
		raw[key] = v
	}
	it := mapFields(src, raw)
	if _, ok := it.fields["occurred_at"]; !ok && tf.FormResponse.SubmittedAt != "" {
		it.fields["occurred_at"] = tf.FormResponse.SubmittedAt
	}
	return payload{top: it, deliveryID: tf.EventID, formID: tf.FormResponse.FormID, formName: tf.FormResponse.Definition.Title}, nil
}

// webflowBody is Webflow's form_submission webhook.
type webflowBody struct {
	TriggerType string `json:"triggerType"`
	Payload     *struct {
		ID          string         `json:"id"`
		Name        string         `json:"name"`
		FormID      string         `json:"formId"`
		SubmittedAt string         `json:"submittedAt"`
		Data        map[string]any `json:"data"`
	} `json:"payload"`
}

func parseWebflow(src contract.Source, body []byte) (payload, error) {
	var wf webflowBody
	if err := unmarshal(body, maxVendorDepth, &wf); err != nil {
		return payload{}, orBody(err, "is not a Webflow webhook")
	}
	if wf.TriggerType != "form_submission" || wf.Payload == nil || wf.Payload.ID == "" {
		return payload{}, bodyError("is not a Webflow form_submission event")
	}
	raw := map[string]string{}
	for k, v := range wf.Payload.Data {
		s, ok := scalar(v)
		if !ok {
			return payload{}, lead.FieldErrors{{Field: k, Message: "must be a value"}}
		}
		raw[k] = s
	}
	it := mapFields(src, raw)
	if _, ok := it.fields["occurred_at"]; !ok && wf.Payload.SubmittedAt != "" {
		it.fields["occurred_at"] = wf.Payload.SubmittedAt
	}
	return payload{top: it, deliveryID: wf.Payload.ID, formID: wf.Payload.FormID, formName: wf.Payload.Name}, nil
}

// orBody keeps a refusal that already says what is wrong (nesting, several values), else says msg.
func orBody(err error, msg string) error {
	var fe lead.FieldErrors
	if errors.As(err, &fe) {
		return err
	}
	return bodyError("%s", msg)
}

// validText refuses a body holding NUL bytes. (Invalid UTF-8 is refused by the lead rules, naming its field.)
func validText(body []byte) error {
	if bytes.IndexByte(body, 0) >= 0 {
		return bodyError("contains NUL bytes")
	}
	return nil
}
