package samlocal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// TestEventBodies: how API Gateway's HTTP API hands a body to the function (payload 2.0). A text payload is
// UTF-8 text of a text content type (text/*, JSON, XML, JavaScript); anything else — another content type, no
// content type, or bytes that are not valid UTF-8 whatever the content type — is binary: base64-encoded with
// isBase64Encoded. The function must see the exact bytes (a signature covers them): turning invalid bytes
// into U+FFFD would break it.
func TestEventBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType string
		body              []byte
		base64            bool
	}{
		{"JSON", "application/json", []byte(`{"nom":"Zoé"}`), false},
		{"JSON with a charset", "application/json; charset=utf-8", []byte(`{"a":1}`), false},
		{"problem+json", "application/problem+json", []byte(`{"a":1}`), false},
		{"plain text", "text/plain", []byte("bonjour"), false},
		{"JSON that is not valid UTF-8", "application/json", []byte("{\"nom\":\"\xff\xfe\"}"), true},
		{"text that is not valid UTF-8", "text/plain", []byte("caf\xe9"), true},
		{"a lone surrogate encoded in bytes", "application/json", []byte("{\"a\":\"\xed\xa0\x80\"}"), true},
		{"form post", "application/x-www-form-urlencoded", []byte("nom=Zo%C3%A9"), true},
		{"no content type", "", []byte("x"), true},
		{"binary", "application/octet-stream", []byte{0, 1, 2, 0xff}, true},
	}
	for _, tc := range tests {
		req := httptest.NewRequest("POST", "http://127.0.0.1:3009/v1/sources/x/submissions", bytes.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		// What the function receives: the event as JSON, as the Runtime API hands it over.
		raw, err := json.Marshal(buildEvent(req, "POST /v1/sources/{sourceId}/submissions", nil, tc.body, "id", time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.IsBase64Encoded != tc.base64 {
			t.Errorf("%s: isBase64Encoded %v, want %v", tc.name, ev.IsBase64Encoded, tc.base64)
		}
		got := []byte(ev.Body)
		if ev.IsBase64Encoded {
			var err error
			if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, tc.body) {
			t.Errorf("%s: the function gets %q, the client sent %q", tc.name, got, tc.body)
		}
	}
}
