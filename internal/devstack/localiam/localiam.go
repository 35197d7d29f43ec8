// Package localiam evaluates template.yaml's IAM statements for DynamoDB as AWS would — which DynamoDB Local does
// not: each DynamoDB action IAM checks for a request (a transaction's items one by one, as PutItem, UpdateItem,
// DeleteItem, ConditionCheckItem), on the table or index it names, under the conditions dynamodb:LeadingKeys,
// dynamodb:Attributes and dynamodb:Select. The tests (testenv.AsFunction) and the local stack (its DynamoDB proxy)
// refuse what a function's role would not allow, so a leading key the template forgot fails locally, not at the
// first request in AWS.
//
// Not evaluated: SAM's policy templates (SQSSendMessagePolicy…: no DynamoDB in them), Deny statements (none),
// resource policies, and conditions on other keys (a statement with one is taken as not allowing).
package localiam

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// Policies are the DynamoDB statements of every function's role, and the tables' keys.
type Policies struct {
	functions map[string][]statement
	tables    []samtemplate.Table
	// TableID is the logical ID of a table by its physical name.
	TableID func(name string) string
}

// New reads the roles of a template; tableID names a physical table's logical ID.
func New(tpl *samtemplate.Template, tableID func(string) string) (*Policies, error) {
	fns, err := parsePolicies(tpl.Doc)
	if err != nil {
		return nil, err
	}
	return &Policies{functions: fns, tables: tpl.Tables, TableID: tableID}, nil
}

// Empty reports a template whose roles grant nothing of DynamoDB: one that does not model IAM (a test's).
func (p *Policies) Empty() bool { return len(p.functions) == 0 }

// Authorize checks the requests of function fn: nil, or an *AccessDenied naming the first refused.
func (p *Policies) Authorize(fn string, reqs []Request) error {
	statements, ok := p.functions[fn]
	if !ok {
		return fmt.Errorf("localiam: no function %s with DynamoDB statements in template.yaml", fn)
	}
	for _, r := range reqs {
		if !slices.ContainsFunc(statements, func(s statement) bool { return s.allows(r) }) {
			return &AccessDenied{Function: fn, Request: r.String()}
		}
	}
	return nil
}

// statement is one Allow statement of a role, as far as DynamoDB is concerned.
type statement struct {
	Sid        string
	Actions    []string
	Resources  []resource
	Conditions map[string]map[string][]string // operator -> key -> values
}

// resource is a table (Index "") or one of its indexes ("*" for any).
type resource struct{ Table, Index string }

func yamlList(n *yaml.Node) []*yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	default:
		return []*yaml.Node{n}
	}
}

// parsePolicies reads each function's DynamoDB statements: its Policies' inline statements, or its Role's.
func parsePolicies(tpl *yaml.Node) (map[string][]statement, error) {
	resources := samtemplate.Child(tpl, "Resources")
	out := map[string][]statement{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, res := resources.Content[i].Value, resources.Content[i+1]
		if v := samtemplate.Child(res, "Type"); v == nil || v.Value != "AWS::Serverless::Function" {
			continue
		}
		props := samtemplate.Child(res, "Properties")
		var statements []*yaml.Node
		for _, p := range yamlList(samtemplate.Child(props, "Policies")) {
			statements = append(statements, yamlList(samtemplate.Child(p, "Statement"))...)
		}
		if role := samtemplate.Child(props, "Role"); role != nil {
			if role.Tag != "!GetAtt" || !strings.HasSuffix(role.Value, ".Arn") {
				return nil, fmt.Errorf("%s: Role %q is not read (want !GetAtt <role>.Arn)", id, role.Value)
			}
			r := samtemplate.Child(resources, strings.TrimSuffix(role.Value, ".Arn"))
			for _, p := range yamlList(samtemplate.Child(samtemplate.Child(r, "Properties"), "Policies")) {
				statements = append(statements, yamlList(samtemplate.Child(samtemplate.Child(p, "PolicyDocument"), "Statement"))...)
			}
		}
		for _, s := range statements {
			if e := samtemplate.Child(s, "Effect"); e == nil || e.Value != "Allow" {
				return nil, fmt.Errorf("%s: a statement that is not Allow is not evaluated", id)
			}
			st := statement{Conditions: map[string]map[string][]string{}}
			if sid := samtemplate.Child(s, "Sid"); sid != nil {
				st.Sid = sid.Value
			}
			for _, a := range yamlList(samtemplate.Child(s, "Action")) {
				if strings.HasPrefix(a.Value, "dynamodb:") {
					st.Actions = append(st.Actions, a.Value)
				}
			}
			if len(st.Actions) == 0 {
				continue
			}
			for _, r := range yamlList(samtemplate.Child(s, "Resource")) {
				switch {
				case r.Tag == "!GetAtt" && strings.HasSuffix(r.Value, ".StreamArn"), r.Value == "*":
					// a stream's reads (or ListStreams): no table request of the code's
				case r.Tag == "!GetAtt" && strings.HasSuffix(r.Value, ".Arn"):
					st.Resources = append(st.Resources, resource{Table: strings.TrimSuffix(r.Value, ".Arn")})
				case r.Tag == "!Sub":
					m := regexp.MustCompile(`^\$\{(\w+)\.Arn\}/index/(.+)$`).FindStringSubmatch(r.Value)
					if m == nil {
						return nil, fmt.Errorf("%s/%s: resource %q is not read", id, st.Sid, r.Value)
					}
					st.Resources = append(st.Resources, resource{Table: m[1], Index: m[2]})
				default:
					return nil, fmt.Errorf("%s/%s: resource %s %q is not read", id, st.Sid, r.Tag, r.Value)
				}
			}
			if c := samtemplate.Child(s, "Condition"); c != nil {
				for j := 0; j+1 < len(c.Content); j += 2 {
					op, keys := c.Content[j].Value, c.Content[j+1]
					st.Conditions[op] = map[string][]string{}
					for k := 0; k+1 < len(keys.Content); k += 2 {
						var vals []string
						for _, v := range yamlList(keys.Content[k+1]) {
							vals = append(vals, v.Value)
						}
						st.Conditions[op][keys.Content[k].Value] = vals
					}
				}
			}
			out[id] = append(out[id], st)
		}
	}
	return out, nil
}

// Request is one action IAM authorises for a DynamoDB request.
type Request struct {
	Action      string
	Table       string // logical ID
	Index       string
	LeadingKeys []string
	Attributes  []string // read (a projection) or nil
	Select      string
	projected   bool
}

func (r Request) String() string {
	on := r.Table
	if r.Index != "" {
		on += "/index/" + r.Index
	}
	return fmt.Sprintf("%s on %s, leading keys %q", r.Action, on, r.LeadingKeys)
}

// allows reports whether s allows r.
func (s statement) allows(r Request) bool {
	if !slices.Contains(s.Actions, r.Action) {
		return false
	}
	if !slices.ContainsFunc(s.Resources, func(res resource) bool {
		return res.Table == r.Table && (res.Index == r.Index || res.Index == "*" && r.Index != "")
	}) {
		return false
	}
	for op, keys := range s.Conditions {
		for key, want := range keys {
			var got []string
			present := true
			switch key {
			case "dynamodb:LeadingKeys":
				got = r.LeadingKeys
			case "dynamodb:Attributes":
				if !r.projected {
					return false // every attribute read: not what a list of attributes allows
				}
				got = r.Attributes
			case "dynamodb:Select":
				got, present = []string{r.Select}, r.Select != ""
			default:
				return false // a key this emulation does not know: refused rather than guessed
			}
			if !condition(op, present, got, want) {
				return false
			}
		}
	}
	return true
}

// condition evaluates one operator of IAM's on a request's values.
func condition(op string, present bool, got, want []string) bool {
	match := func(v string, like bool) bool {
		return slices.ContainsFunc(want, func(w string) bool {
			if !like {
				return v == w
			}
			return globLike(w, v)
		})
	}
	switch op {
	case "ForAllValues:StringLike", "ForAllValues:StringEquals":
		like := op == "ForAllValues:StringLike"
		for _, v := range got {
			if !match(v, like) {
				return false
			}
		}
		return true
	case "StringLike", "StringEquals":
		return present && len(got) == 1 && match(got[0], op == "StringLike")
	case "StringEqualsIfExists":
		return !present || len(got) == 1 && match(got[0], false)
	}
	return false
}

// globLike is IAM's StringLike: * any run of characters (slashes included), ? one character.
func globLike(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// hashKey is the partition key attribute of a table or of one of its indexes.
func (p *Policies) hashKey(table, index string) string {
	for _, t := range p.tables {
		if t.LogicalID != table {
			continue
		}
		keys := t.Keys
		for _, ix := range t.Indexes {
			if ix.Name == index {
				keys = ix.Keys
			}
		}
		for _, k := range keys {
			if k.Type == "HASH" {
				return k.Attribute
			}
		}
	}
	return ""
}

func attrString(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return fmt.Sprintf("%T", v)
}

func (p *Policies) itemKey(table string, item map[string]types.AttributeValue) []string {
	if v, ok := item[p.hashKey(p.TableID(table), "")]; ok {
		return []string{attrString(v)}
	}
	return nil
}

var (
	projectionName = regexp.MustCompile(`[#\w.\[\]]+`)
	keyEquality    = regexp.MustCompile(`([#\w]+)\s*=\s*(:\w+)`)
)

func projection(expr *string, names map[string]string) ([]string, bool) {
	if expr == nil {
		return nil, false
	}
	var out []string
	for _, n := range projectionName.FindAllString(*expr, -1) {
		n = strings.SplitN(strings.SplitN(n, ".", 2)[0], "[", 2)[0] // a document path's top attribute
		if v, ok := names[n]; ok {
			n = v
		}
		out = append(out, n)
	}
	return out, true
}

// FromInput are the authorisations IAM checks for one DynamoDB operation's input (the SDK's).
func (p *Policies) FromInput(in any) []Request {
	one := func(action string, table *string, item map[string]types.AttributeValue) Request {
		return Request{Action: action, Table: p.TableID(*table), LeadingKeys: p.itemKey(*table, item)}
	}
	switch in := in.(type) {
	case *dynamodb.GetItemInput:
		r := one("dynamodb:GetItem", in.TableName, in.Key)
		r.Attributes, r.projected = projection(in.ProjectionExpression, in.ExpressionAttributeNames)
		return []Request{r}
	case *dynamodb.PutItemInput:
		return []Request{one("dynamodb:PutItem", in.TableName, in.Item)}
	case *dynamodb.UpdateItemInput:
		return []Request{one("dynamodb:UpdateItem", in.TableName, in.Key)}
	case *dynamodb.DeleteItemInput:
		return []Request{one("dynamodb:DeleteItem", in.TableName, in.Key)}
	case *dynamodb.QueryInput:
		r := Request{Action: "dynamodb:Query", Table: p.TableID(*in.TableName), Select: string(in.Select)}
		if in.IndexName != nil {
			r.Index = *in.IndexName
		}
		if in.KeyConditionExpression != nil {
			hash := p.hashKey(r.Table, r.Index)
			for _, m := range keyEquality.FindAllStringSubmatch(*in.KeyConditionExpression, -1) {
				name := m[1]
				if v, ok := in.ExpressionAttributeNames[name]; ok {
					name = v
				}
				if name == hash {
					r.LeadingKeys = append(r.LeadingKeys, attrString(in.ExpressionAttributeValues[m[2]]))
				}
			}
		}
		r.Attributes, r.projected = projection(in.ProjectionExpression, in.ExpressionAttributeNames)
		return []Request{r}
	case *dynamodb.BatchGetItemInput:
		var out []Request
		for table, ka := range in.RequestItems {
			r := Request{Action: "dynamodb:BatchGetItem", Table: p.TableID(table)}
			for _, k := range ka.Keys {
				r.LeadingKeys = append(r.LeadingKeys, p.itemKey(table, k)...)
			}
			r.Attributes, r.projected = projection(ka.ProjectionExpression, ka.ExpressionAttributeNames)
			out = append(out, r)
		}
		return out
	case *dynamodb.BatchWriteItemInput:
		var out []Request
		for table, ws := range in.RequestItems {
			r := Request{Action: "dynamodb:BatchWriteItem", Table: p.TableID(table)}
			for _, w := range ws {
				switch {
				case w.PutRequest != nil:
					r.LeadingKeys = append(r.LeadingKeys, p.itemKey(table, w.PutRequest.Item)...)
				case w.DeleteRequest != nil:
					r.LeadingKeys = append(r.LeadingKeys, p.itemKey(table, w.DeleteRequest.Key)...)
				}
			}
			out = append(out, r)
		}
		return out
	case *dynamodb.TransactWriteItemsInput:
		var out []Request
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				out = append(out, one("dynamodb:PutItem", it.Put.TableName, it.Put.Item))
			case it.Update != nil:
				out = append(out, one("dynamodb:UpdateItem", it.Update.TableName, it.Update.Key))
			case it.Delete != nil:
				out = append(out, one("dynamodb:DeleteItem", it.Delete.TableName, it.Delete.Key))
			case it.ConditionCheck != nil:
				out = append(out, one("dynamodb:ConditionCheckItem", it.ConditionCheck.TableName, it.ConditionCheck.Key))
			}
		}
		return out
	case *dynamodb.TransactGetItemsInput:
		var out []Request
		for _, it := range in.TransactItems {
			r := one("dynamodb:GetItem", it.Get.TableName, it.Get.Key)
			r.Attributes, r.projected = projection(it.Get.ProjectionExpression, it.Get.ExpressionAttributeNames)
			out = append(out, r)
		}
		return out
	}
	return []Request{{Action: fmt.Sprintf("dynamodb:%T (not emulated)", in)}}
}

// AccessDenied is the error of a request the function's role does not allow.
type AccessDenied struct {
	Function string
	Request  string
}

func (e *AccessDenied) Error() string {
	return fmt.Sprintf("AccessDeniedException (template.yaml's IAM, emulated): %s may not %s", e.Function, e.Request)
}

// FromJSON are the authorisations IAM checks for one DynamoDB request as it travels (the X-Amz-Target header's
// operation, the JSON body): what the local stack's proxy sees of the functions' requests.
func (p *Policies) FromJSON(target string, body []byte) ([]Request, error) {
	op := target[strings.LastIndex(target, ".")+1:]
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("%s: the body is not JSON: %w", op, err)
	}
	action := "dynamodb:" + op
	key := func(table string, item any) []string {
		m, _ := item.(map[string]any)
		if v, ok := m[p.hashKey(p.TableID(table), "")]; ok {
			return []string{jsonValue(v)}
		}
		return nil
	}
	proj := func(m map[string]any) ([]string, bool) {
		pe, ok := m["ProjectionExpression"].(string)
		if !ok {
			return nil, false
		}
		return projection(&pe, jsonNames(m))
	}
	one := func(action string, m map[string]any, field string) Request {
		table, _ := m["TableName"].(string)
		r := Request{Action: action, Table: p.TableID(table), LeadingKeys: key(table, m[field])}
		r.Attributes, r.projected = proj(m)
		return r
	}
	switch op {
	case "GetItem", "UpdateItem", "DeleteItem":
		return []Request{one(action, in, "Key")}, nil
	case "PutItem":
		return []Request{one(action, in, "Item")}, nil
	case "Query":
		table, _ := in["TableName"].(string)
		r := Request{Action: action, Table: p.TableID(table)}
		r.Index, _ = in["IndexName"].(string)
		r.Select, _ = in["Select"].(string)
		if kce, ok := in["KeyConditionExpression"].(string); ok {
			hash, names := p.hashKey(r.Table, r.Index), jsonNames(in)
			values, _ := in["ExpressionAttributeValues"].(map[string]any)
			for _, m := range keyEquality.FindAllStringSubmatch(kce, -1) {
				name := m[1]
				if v, ok := names[name]; ok {
					name = v
				}
				if name == hash {
					r.LeadingKeys = append(r.LeadingKeys, jsonValue(values[m[2]]))
				}
			}
		}
		r.Attributes, r.projected = proj(in)
		return []Request{r}, nil
	case "BatchGetItem":
		var out []Request
		items, _ := in["RequestItems"].(map[string]any)
		for table, v := range items {
			ka, _ := v.(map[string]any)
			r := Request{Action: action, Table: p.TableID(table)}
			keys, _ := ka["Keys"].([]any)
			for _, k := range keys {
				r.LeadingKeys = append(r.LeadingKeys, key(table, k)...)
			}
			r.Attributes, r.projected = proj(ka)
			out = append(out, r)
		}
		return out, nil
	case "BatchWriteItem":
		var out []Request
		items, _ := in["RequestItems"].(map[string]any)
		for table, v := range items {
			r := Request{Action: action, Table: p.TableID(table)}
			ws, _ := v.([]any)
			for _, w := range ws {
				wm, _ := w.(map[string]any)
				if put, ok := wm["PutRequest"].(map[string]any); ok {
					r.LeadingKeys = append(r.LeadingKeys, key(table, put["Item"])...)
				}
				if del, ok := wm["DeleteRequest"].(map[string]any); ok {
					r.LeadingKeys = append(r.LeadingKeys, key(table, del["Key"])...)
				}
			}
			out = append(out, r)
		}
		return out, nil
	case "TransactWriteItems", "TransactGetItems":
		var out []Request
		items, _ := in["TransactItems"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			for kind, a := range map[string]string{"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem", "Delete": "dynamodb:DeleteItem",
				"ConditionCheck": "dynamodb:ConditionCheckItem", "Get": "dynamodb:GetItem"} {
				if x, ok := m[kind].(map[string]any); ok {
					field := "Key"
					if kind == "Put" {
						field = "Item"
					}
					out = append(out, one(a, x, field))
				}
			}
		}
		return out, nil
	}
	table, _ := in["TableName"].(string)
	return []Request{{Action: action, Table: p.TableID(table)}}, nil
}

// jsonValue is a key's value in DynamoDB's JSON ({"S": "…"} or {"N": "…"}).
func jsonValue(v any) string {
	m, _ := v.(map[string]any)
	for _, t := range []string{"S", "N"} {
		if s, ok := m[t].(string); ok {
			return s
		}
	}
	return fmt.Sprint(v)
}

func jsonNames(m map[string]any) map[string]string {
	out := map[string]string{}
	if names, ok := m["ExpressionAttributeNames"].(map[string]any); ok {
		for k, v := range names {
			out[k], _ = v.(string)
		}
	}
	return out
}
