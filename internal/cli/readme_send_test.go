package cli

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/readme"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestREADMESend: the README's handoff send session, answered by ingest's handler — the one the ingest function
// runs — on DynamoDB Local, behind a server that gives it the request as API Gateway does (the route's source,
// the headers, the body). The test adds to each command line where that server is and, from this package's
// directory, the example contract and the demo secrets (make run's defaults at the repository's root).
func TestREADMESend(t *testing.T) {
	t.Parallel()
	c, sec := exampleSources(t)
	db := testenv.DynamoDB(t)
	tables := store.TablesFrom(testenv.TableEnv(t, testenv.Tables(t)), c)
	h, err := ingest.New(c, sec, store.NewLeads(db, tables), store.NewHandoffs(db, tables), time.Now, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/") // "", v1, sources, {sourceId}, route
		if r.Method != http.MethodPost || len(parts) != 5 || parts[1] != "v1" || parts[2] != "sources" {
			http.NotFound(w, r) // send asks GET /_local/ for a moved clock: not a local stack's route here
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		headers := map[string]string{}
		for k := range r.Header {
			headers[strings.ToLower(k)] = r.Header.Get(k)
		}
		resp, err := h.Handle(r.Context(), events.APIGatewayV2HTTPRequest{RouteKey: "POST /v1/sources/{sourceId}/" + parts[4],
			RawPath: r.URL.Path, Headers: headers, Body: string(body), PathParameters: map[string]string{"sourceId": parts[3]},
			RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "readme", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: r.URL.Path}}})
		if err != nil {
			t.Error(err)
		}
		for k, v := range resp.Headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write([]byte(resp.Body))
	}))
	defer srv.Close()

	var session []string
	for _, line := range []string{
		`go run ./cmd/handoff send --source site-contact --data '{"E-mail professionnel":"claire.dubois@acme-industrie.fr","Prénom":"Claire","Pays":"France"}'`,
		`go run ./cmd/handoff send --source tracking --data '{"email":"claire.dubois@acme-industrie.fr","type":"page_view","url":"https://maintenia.fr/tarifs"}'`,
		`go run ./cmd/handoff send --source crm --data '{"email":"claire.dubois@acme-industrie.fr","type":"deal_won","amount":"18500","currency":"EUR"}'`,
	} {
		args, err := splitArgs(strings.TrimPrefix(line, "go run ./cmd/handoff "))
		if err != nil {
			t.Fatal(err)
		}
		args = append(args[1:], "--url", srv.URL, "--contract", example, "--secrets", "../../infra/local/secrets.seed")
		var out bytes.Buffer
		send(args, &out, &out, time.Now, srv.Client())
		session = append(session, "$ "+line+"\n"+out.String())
	}
	readme.Hold(t, "send", strings.Join(session, "\n"),
		readme.Vary(`"deliveryId":"(cli_[0-9a-z]+)"`, "a new delivery ID each time (send's default)"),
		readme.Vary(`(ld_[0-9a-z]{26})`, "the lead's ID, made when it was stored"))
}
