package samlocal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/localiam"
)

// IAM for DynamoDB, emulated in front of DynamoDB Local (which allows everything): each function reaches DynamoDB
// Local through a proxy here, at a path of its own (/fn/<LogicalID>), and each request is checked against that
// function's role in the template (package localiam: the actions, tables and indexes, dynamodb:LeadingKeys,
// Attributes and Select; a transaction's items one by one). One its role would not allow is answered as DynamoDB
// answers it, AccessDeniedException, and never reaches DynamoDB Local: a leading key the template forgot fails
// here as it would in AWS. A template whose roles grant nothing of DynamoDB (a test's) is not checked.

// dynamoProxy is the proxy; nil when the template does not model IAM.
type dynamoProxy struct {
	policies *localiam.Policies
	proxy    *httputil.ReverseProxy
	srv      *http.Server
	url      string

	mu       sync.Mutex
	requests map[string]map[string]int // function -> operation (GetItem, …) -> requests it made, allowed or denied
}

const dynamoFunctionPath = "/fn/"

// startDynamoProxy starts the proxy to o.DynamoEndpoint, or returns nil when the template's roles grant nothing of
// DynamoDB.
func (s *Stack) startDynamoProxy() (*dynamoProxy, error) {
	byName := map[string]string{}
	for id, name := range s.opts.TableNames {
		byName[name] = id
	}
	policies, err := localiam.New(s.opts.Template, func(name string) string { return byName[name] })
	if err != nil {
		return nil, err
	}
	if policies.Empty() || s.opts.DynamoEndpoint == "" {
		return nil, nil
	}
	up, err := url.Parse(s.opts.DynamoEndpoint)
	if err != nil {
		return nil, err
	}
	p := &dynamoProxy{policies: policies, proxy: httputil.NewSingleHostReverseProxy(up), requests: map[string]map[string]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.url = "http://" + ln.Addr().String()
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// endpoint is where function fn reaches DynamoDB: its path on the proxy, or DynamoDB Local itself.
func (p *dynamoProxy) endpoint(direct, fn string) string {
	if p == nil {
		return direct
	}
	return p.url + dynamoFunctionPath + fn
}

func (p *dynamoProxy) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, dynamoFunctionPath)
	fn, _, _ := strings.Cut(rest, "/")
	if !ok || fn == "" {
		http.Error(w, "no function in the path", http.StatusBadRequest)
		return
	}
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".") // DynamoDB_20120810.GetItem
	p.mu.Lock()
	if p.requests[fn] == nil {
		p.requests[fn] = map[string]int{}
	}
	p.requests[fn][op]++
	p.mu.Unlock()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	reqs, err := p.policies.FromJSON(r.Header.Get("X-Amz-Target"), body)
	if err == nil {
		err = p.policies.Authorize(fn, reqs)
	}
	var denied *localiam.AccessDenied
	switch {
	case errors.As(err, &denied):
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazon.coral.service#AccessDeniedException", "message": denied.Error()})
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.URL.Path, r.URL.RawPath = "/", ""
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	p.proxy.ServeHTTP(w, r)
}

func (p *dynamoProxy) close() {
	if p != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = p.srv.Shutdown(ctx)
	}
}
