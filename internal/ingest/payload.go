package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// Limits on a payload's shape, beyond the 64 KB body limit.
const (
	maxDepth      = 5
	maxActivities = 50
	maxFields     = 200
)

// item is one record of a payload, its fields split into known lead fields and the rest.
type item struct {
	fields lead.Fields
	extra  map[string]string
}

// payload is what an adapter reads from a body.
type payload struct {
	top        item   // the submission, the outcome, or the lead an activity batch is about
	batch      []item // activities, when the body lists several
	deliveryID string // from the body (Typeform event_id, Webflow payload id), "" when it has none
}

func bodyError(format string, args ...any) error {
	return lead.FieldErrors{{Field: "body", Message: fmt.Sprintf(format, args...)}}
}

// parsePayload reads a body in the source's format. contentType is already known to be JSON or a form.
func parsePayload(src contract.Source, isJSON bool, body []byte) (payload, error) {
	switch {
	case src.Format == "typeform":
		return parseTypeform(src, body)
	case src.Format == "webflow":
		return parseWebflow(src, body)
	case isJSON:
		return parseGenericJSON(src, body)
	}
	return parseForm(src, body)
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
	if err := checkDepth(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, bodyError("is not valid JSON")
	}
	if dec.More() {
		return nil, bodyError("holds more than one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, bodyError("must be a JSON object")
	}
	return obj, nil
}

// checkDepth refuses deeply nested JSON before decoding it (a cheap guard against hostile payloads).
func checkDepth(body []byte) error {
	depth, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			if depth++; depth > maxDepth {
				return bodyError("nests deeper than %d levels", maxDepth)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
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
// lead fields (a mapped one wins), the others go to extra.
func mapFields(src contract.Source, raw map[string]string) item {
	it := item{fields: lead.Fields{}, extra: map[string]string{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic when a raw field and a mapped one name the same lead field
	for _, k := range keys {
		if _, mapped := src.Mapping[k]; !mapped && isLeadField(k) {
			it.fields[k] = raw[k]
		}
	}
	for _, k := range keys {
		if target, ok := src.Mapping[k]; ok {
			it.fields[target] = raw[k]
		} else if !isLeadField(k) {
			it.extra[k] = raw[k]
		}
	}
	if src.Honeypot != "" {
		delete(it.extra, src.Honeypot) // read separately; never stored
	}
	return it
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
		SubmittedAt string            `json:"submitted_at"`
		Hidden      map[string]string `json:"hidden"`
		Answers     []struct {
			Type  string `json:"type"`
			Field struct {
				ID  string `json:"id"`
				Ref string `json:"ref"`
			} `json:"field"`
			Text        string                     `json:"text"`
			Email       string                     `json:"email"`
			PhoneNumber string                     `json:"phone_number"`
			URL         string                     `json:"url"`
			Date        string                     `json:"date"`
			FileURL     string                     `json:"file_url"`
			Number      json.Number                `json:"number"`
			Boolean     *bool                      `json:"boolean"`
			Choice      *struct{ Label string }    `json:"choice"`
			Choices     *struct{ Labels []string } `json:"choices"`
		} `json:"answers"`
	} `json:"form_response"`
}

func parseTypeform(src contract.Source, body []byte) (payload, error) {
	if err := checkDepth(body); err != nil {
		return payload{}, err
	}
	var tf typeformBody
	if err := json.Unmarshal(body, &tf); err != nil {
		return payload{}, bodyError("is not a Typeform webhook")
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
			v = a.Choice.Label
		case a.Choices != nil:
			v = strings.Join(a.Choices.Labels, ", ")
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
	return payload{top: it, deliveryID: tf.EventID}, nil
}

// webflowBody is Webflow's form_submission webhook.
type webflowBody struct {
	TriggerType string `json:"triggerType"`
	Payload     *struct {
		ID          string         `json:"id"`
		SubmittedAt string         `json:"submittedAt"`
		Data        map[string]any `json:"data"`
	} `json:"payload"`
}

func parseWebflow(src contract.Source, body []byte) (payload, error) {
	if err := checkDepth(body); err != nil {
		return payload{}, err
	}
	var wf webflowBody
	if err := json.Unmarshal(body, &wf); err != nil {
		return payload{}, bodyError("is not a Webflow webhook")
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
	return payload{top: it, deliveryID: wf.Payload.ID}, nil
}

// validText reports a body that is not UTF-8 text (NUL bytes included).
func validText(body []byte) error {
	if !utf8.Valid(body) {
		return bodyError("is not valid UTF-8")
	}
	if bytes.IndexByte(body, 0) >= 0 {
		return bodyError("contains NUL bytes")
	}
	return nil
}
