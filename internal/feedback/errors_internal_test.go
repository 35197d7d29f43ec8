package feedback

import "testing"

// TestInternalErrorCarriesTheSecurityHeaders: the 500 either page may answer carries the same headers as the
// pages (TestEveryPageResponseCarriesTheSecurityHeaders checks every other status through the handlers).
func TestInternalErrorCarriesTheSecurityHeaders(t *testing.T) {
	h := internalError().Headers
	for name, want := range map[string]string{"Content-Security-Policy": pageCSP, "Strict-Transport-Security": hsts, "X-Frame-Options": "DENY"} {
		if h[name] != want || want == "" {
			t.Errorf("%s = %q, want %q", name, h[name], want)
		}
	}
}
