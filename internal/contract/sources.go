package contract

import (
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LeadFields are the fields a source's mapping may fill.
var LeadFields = []string{
	"email", "first_name", "last_name", "phone", "company", "job_title", "company_size", "industry", "country",
	"website", "message", "consent", "consent_at", "utm_source", "utm_medium", "utm_campaign", "utm_term",
	"utm_content", "referrer", "occurred_at", "lead_id", "region", "postal_code",
	// activities and outcomes
	"type", "url", "content", "webinar", "campaign", "amount", "currency", "reason", "crm_id", "channel", "comment",
}

// BuiltinActivityTypes are the activity types Handoff knows without declaration.
var BuiltinActivityTypes = []string{"page_view", "content_download", "webinar_attended", "email_click", "demo_request"}

var (
	sourceFormats = map[string]bool{"generic": true, "typeform": true, "webflow": true, "wordpress": true}
	sourceAuths   = map[string]bool{"standard-webhooks": true, "typeform": true, "webflow": true, "shared-secret": true}
	secretRef     = regexp.MustCompile(`^(ssm:/(?:[A-Za-z0-9_./-]|\{stage\})+|secretsmanager:(?:[A-Za-z0-9/_+=.@-]|\{stage\})+|env:[A-Z][A-Z0-9_]*)$`)
	typePattern   = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)
)

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func keysOf(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (r *reader) sources(n *yaml.Node, path string) []Source {
	var out []Source
	ids := map[string]bool{}
	leadFields := setOf(LeadFields)
	r.list(n, path, func(index int, item *yaml.Node, p string) {
		s := Source{Mapping: map[string]string{}}
		var authNode, kindNode *yaml.Node
		var targetNodes []mappingTarget
		r.mapping(item, p, map[string]field{
			"id": {true, func(n *yaml.Node, p string) { s.ID = r.uniqueID(n, p, ids) }},
			"kind": {true, func(n *yaml.Node, p string) {
				kindNode = n
				v := r.enum(n, p, map[string]bool{"form": true, "activities": true, "outcomes": true, "content": true})
				s.Kind = SourceKind(v)
			}},
			"format":   {true, func(n *yaml.Node, p string) { s.Format = r.enum(n, p, sourceFormats) }},
			"auth":     {true, func(n *yaml.Node, p string) { authNode, s.Auth = n, r.enum(n, p, sourceAuths) }},
			"secret":   {true, func(n *yaml.Node, p string) { s.Secret = r.secret(n, p) }},
			"honeypot": {false, func(n *yaml.Node, p string) { s.Honeypot = r.text(n, p) }},
			"base_url": {false, func(n *yaml.Node, p string) { s.BaseURL = r.baseURL(n, p) }},
			"mapping": {false, func(n *yaml.Node, p string) {
				if n.Kind != yaml.MappingNode {
					r.fail(n, p, "must be a mapping of source field: lead field, got %s", describe(n))
					return
				}
				targets := map[string]string{}
				for i := 0; i+1 < len(n.Content); i += 2 {
					k, v := n.Content[i], n.Content[i+1]
					at := join(p, k.Value)
					if v.Kind == yaml.ScalarNode && (contentFields[v.Value] || leadFields[v.Value]) {
						// Checked against the source's kind below (a lead field or a content field), whichever
						// comes first in the file.
						targetNodes = append(targetNodes, mappingTarget{v, at})
					}
					if v.Kind != yaml.ScalarNode || !leadFields[v.Value] && !contentFields[v.Value] {
						r.fail(v, at, "must be a lead field (%s), got %s", strings.Join(LeadFields, ", "), describe(v))
						continue
					}
					if prev, dup := targets[v.Value]; dup {
						r.fail(v, at, "maps to %s, which %q already fills", v.Value, prev)
						continue
					}
					targets[v.Value] = k.Value
					s.Mapping[k.Value] = v.Value
					if v.Value == "consent" {
						if r.consentMaps == nil {
							r.consentMaps = map[int]consentMapping{}
						}
						r.consentMaps[index] = consentMapping{node: k, path: at, field: k.Value}
					}
				}
			}},
		})
		// Vendors sign their own payloads: a Typeform or Webflow body comes with that vendor's signature.
		if (s.Format == "typeform" || s.Format == "webflow") && s.Auth != "" && s.Auth != s.Format {
			r.fail(authNode, join(p, "auth"), "a %s source is signed by %s: auth must be %s", s.Format, s.Format, s.Format)
		}
		if s.Format == "typeform" && s.Kind != "" && s.Kind != FormSource {
			r.fail(kindNode, join(p, "kind"), "a %s source sends form submissions: kind must be form", s.Format)
		}
		r.checkContentSource(s, item, p, kindNode, targetNodes)
		out = append(out, s)
	})
	return out
}

func (r *reader) enum(n *yaml.Node, path string, allowed map[string]bool) string {
	v, ok := r.scalar(n, path, "one of "+keysOf(allowed))
	if !ok {
		return ""
	}
	if !allowed[v] {
		r.fail(n, path, "must be one of %s, got %q", keysOf(allowed), v)
		return ""
	}
	return v
}

func (r *reader) activityTypes(n *yaml.Node, path string) ([]string, map[string]Label) {
	var out []string
	labels := map[string]Label{}
	builtin := setOf(BuiltinActivityTypes)
	seen := map[string]bool{}
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		v, label, ok := r.activityTypeItem(item, p)
		switch {
		case !ok:
		case !typePattern.MatchString(v):
			r.fail(item, p, "must be lower_snake_case (2-40 characters), got %q", v)
		case builtin[v] || v == "form_submit":
			r.fail(item, p, "%s is built in; list only custom types", v)
		case seen[v]:
			r.fail(item, p, "%s is listed twice", v)
		default:
			seen[v] = true
			out = append(out, v)
			if label != nil {
				labels[v] = label
			}
			r.activityTypeRefs = append(r.activityTypeRefs, activityTypeRef{node: item, path: p, typ: v})
		}
	})
	return out, labels
}

// secret reads a reference to a secret, refusing a secret pasted in the contract. {stage} is the one placeholder a
// reference may hold: package secrets replaces it by the function's stage.
func (r *reader) secret(n *yaml.Node, path string) string {
	v, ok := r.scalar(n, path, "a secret reference")
	if ok && !secretRef.MatchString(v) {
		r.fail(n, path, "must reference a secret (ssm:/path, secretsmanager:name or env:NAME), never hold one; got %q", redact(v))
		return ""
	}
	return v
}

// redact keeps a pasted secret out of error messages and logs.
func redact(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return s[:4] + "…"
}
