package address

import (
	"errors"
	"testing"
)

func TestNormalise(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"claire.dubois@acme-industrie.fr", "claire.dubois@acme-industrie.fr"},
		{"Claire.Dubois@ACME-Industrie.FR", "claire.dubois@acme-industrie.fr"},
		{"ｋａｔｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "kate@example.com"},      // full-width forms
		{"\u212Aate@example.com", "kate@example.com"}, // the Kelvin sign
		{"paul@société.fr", "paul@xn--socit-esab.fr"},
		{"élodie@example.com", "élodie@example.com"}, // RFC 6531: a UTF-8 local part stays
		{"Claire <claire@acme.fr>", ""},
		{"claire@acme", ""},
		{"claire@acme.fr\r\nBcc: x@y.z", ""},
		{"", ""},
		{"@acme.fr", ""},
	} {
		got, err := Normalise(tc.in)
		if tc.want == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%q: %q, %v; want ErrInvalid", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
