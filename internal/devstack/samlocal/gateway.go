package samlocal

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

// maxPayload is API Gateway's request body limit.
const maxPayload = 10 << 20

// route is an HttpApi event bound to a function.
type route struct {
	method   string   // GET..., or ANY
	segments []string // path split on "/"; "{name}" and "{name+}" are parameters
	key      string   // "GET /v1/leads/{id}" or "$default"
	fn       invoker
	function string
}

// gateway plays API Gateway's HTTP API with the version 2.0 payload: it matches a route, builds the event the
// function receives in AWS, and turns the function's answer into the HTTP response.
type gateway struct {
	routes []*route
	log    *slog.Logger
}

func newRoute(method, path, function string, fn invoker) *route {
	r := &route{method: method, fn: fn, function: function}
	if path == "$default" {
		r.key = "$default"
		return r
	}
	r.key = method + " " + path
	if method == "ANY" {
		r.key = "ANY " + path
	}
	r.segments = strings.Split(strings.Trim(path, "/"), "/")
	return r
}

// sortRoutes orders the routes as API Gateway picks among candidates: more literal segments first, then fewer greedy ones, and a
// specific method before ANY; $default last.
func (g *gateway) sortRoutes() {
	score := func(r *route) (int, int, int) {
		if r.key == "$default" {
			return -1, 0, 0
		}
		lit, greedy := 0, 0
		for _, s := range r.segments {
			switch {
			case strings.HasSuffix(s, "+}"):
				greedy++
			case !strings.HasPrefix(s, "{"):
				lit++
			}
		}
		method := 1
		if r.method == "ANY" {
			method = 0
		}
		return lit, -greedy, method
	}
	sort.SliceStable(g.routes, func(i, j int) bool {
		a1, a2, a3 := score(g.routes[i])
		b1, b2, b3 := score(g.routes[j])
		if a1 != b1 {
			return a1 > b1
		}
		if a2 != b2 {
			return a2 > b2
		}
		return a3 > b3
	})
}

func (r *route) match(method, path string) (map[string]string, bool) {
	if r.key == "$default" {
		return nil, true
	}
	if r.method != "ANY" && r.method != method {
		return nil, false
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	params := map[string]string{}
	for i, seg := range r.segments {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}") {
			if i >= len(parts) {
				return nil, false
			}
			params[seg[1:len(seg)-2]] = strings.Join(parts[i:], "/")
			return params, true
		}
		if i >= len(parts) {
			return nil, false
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if parts[i] == "" {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = parts[i]
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	if len(parts) != len(r.segments) {
		return nil, false
	}
	return params, true
}

func jsonMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	requestID := newID()[:16]
	w.Header().Set("Apigw-Requestid", requestID)
	var rt *route
	var params map[string]string
	for _, r := range g.routes {
		if p, ok := r.match(req.Method, req.URL.Path); ok {
			rt, params = r, p
			break
		}
	}
	if rt == nil {
		jsonMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxPayload+1))
	if err != nil {
		jsonMessage(w, http.StatusBadRequest, "Bad Request")
		return
	}
	if len(body) > maxPayload {
		jsonMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	ev := buildEvent(req, rt.key, params, body, requestID, start)
	payload, _ := json.Marshal(ev)
	out, err := rt.fn.Invoke(req.Context(), payload)
	status := 0
	if err != nil {
		var fe *FunctionError
		if errors.As(err, &fe) && fe.Type == "Sandbox.Timedout" {
			status = http.StatusServiceUnavailable
			jsonMessage(w, status, "Service Unavailable")
		} else {
			status = http.StatusInternalServerError
			jsonMessage(w, status, "Internal Server Error")
		}
		g.log.Error("function failed", "route", rt.key, "function", rt.function, "error", err.Error())
	} else {
		status = writeResponse(w, out)
	}
	g.log.Info("http", "route", rt.key, "status", status, "ms", time.Since(start).Milliseconds(), "requestId", requestID)
}

// buildEvent is the version 2.0 payload of an HTTP API Lambda integration.
func buildEvent(req *http.Request, routeKey string, params map[string]string, body []byte, requestID string, at time.Time) events.APIGatewayV2HTTPRequest {
	headers := map[string]string{}
	var cookies []string
	for k, vs := range req.Header {
		name := strings.ToLower(k)
		if name == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[name] = strings.Join(vs, ",")
	}
	host := req.Host
	headers["host"] = host
	ip, _, _ := net.SplitHostPort(req.RemoteAddr)
	headers["x-forwarded-for"] = ip
	headers["x-forwarded-proto"] = "http"
	if _, port, err := net.SplitHostPort(host); err == nil {
		headers["x-forwarded-port"] = port
	}
	var query map[string]string
	if q := req.URL.Query(); len(q) > 0 {
		query = map[string]string{}
		for k, vs := range q {
			query[k] = strings.Join(vs, ",")
		}
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               req.URL.EscapedPath(),
		RawQueryString:        req.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    localaws.Account,
			Stage:        "$default",
			RequestID:    requestID,
			APIID:        "local",
			DomainName:   strings.Split(host, ":")[0],
			DomainPrefix: strings.Split(host, ".")[0],
			Time:         at.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    at.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: req.Method, Path: req.URL.Path, Protocol: req.Proto, SourceIP: ip, UserAgent: req.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if isText(req.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			// HTTP APIs base64-encode every body that is not a text payload: a content type they do not know
			// to be text (form posts included), or bytes that are not UTF-8 — API Gateway's definition of a
			// text payload, and the only way the event's JSON can carry them unchanged (a JSON string would
			// turn them into U+FFFD, and a signature over the body would no longer match).
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		mt == "application/xml" || mt == "application/javascript"
}

// writeResponse turns the function's answer into HTTP: a response object when it has a statusCode, otherwise
// (the 2.0 format's shortcut) a 200 with the answer as a JSON body.
func writeResponse(w http.ResponseWriter, out []byte) int {
	var probe map[string]json.RawMessage
	if json.Unmarshal(out, &probe) != nil || probe["statusCode"] == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
		return http.StatusOK
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode < 100 || resp.StatusCode > 599 {
		jsonMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return http.StatusInternalServerError
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			jsonMessage(w, http.StatusInternalServerError, "Internal Server Error")
			return http.StatusInternalServerError
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return resp.StatusCode
}
