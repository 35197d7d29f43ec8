package email

// The composing package's test fixtures, for its external tests (send_test.go), which send through package ses.
var (
	Sample    = sample
	RawSample = rawSample
	Example   = example
	Sent      = sent
	Acme      = acme
	Paris     = paris
	TestLinks = testLinks
)
