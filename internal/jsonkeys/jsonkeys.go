// Package jsonkeys refuses JSON objects that hold the same key twice. encoding/json keeps the last of two equal
// keys, so {"type":"page_view","type":"demo_request"} would be read as a demo request while a proxy, a log or a
// sender's own tooling that keeps the first reads a page view: such a body is refused instead of guessed at.
package jsonkeys

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Duplicate returns the JSON path of the first key that appears twice in one object of body, at any depth, as
// the API's field errors name fields ("type", "activities[1].type", "payload.items[0].id"); ok is false when
// every object's keys are distinct. Keys are compared once unescaped, so "typ\u0065" and "type" are equal.
// Keys in sibling objects do not clash. A body that is not valid JSON reports no duplicate: refusing it is the
// decoder's job, with its own message.
func Duplicate(body []byte) (path string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	path, ok, _ = value(dec, "")
	return path, ok
}

// value reads one JSON value whose path is at; err is set when the body is not valid JSON.
func value(dec *json.Decoder, at string) (string, bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", false, err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]struct{}{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", false, err
			}
			key, _ := kt.(string)
			p := key
			if at != "" {
				p = at + "." + key
			}
			if _, dup := seen[key]; dup {
				return p, true, nil
			}
			seen[key] = struct{}{}
			if dp, dup, err := value(dec, p); dup || err != nil {
				return dp, dup, err
			}
		}
		_, err = dec.Token() // '}'
		return "", false, err
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if dp, dup, err := value(dec, at+"["+strconv.Itoa(i)+"]"); dup || err != nil {
				return dp, dup, err
			}
		}
		_, err = dec.Token() // ']'
		return "", false, err
	}
	return "", false, nil
}
