package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"go.yaml.in/yaml/v3"
)

// IAM for DynamoDB, as AWS would evaluate the template's policies — which DynamoDB Local does not: a request made
// with a context from AsFunction is checked against the statements of that function's role in template.yaml
// (its Policies' inline statements, or its Role's), each DynamoDB action IAM checks for it (a transaction's items
// one by one, as PutItem, UpdateItem, DeleteItem, ConditionCheckItem), on the table or index it names, under the
// conditions dynamodb:LeadingKeys, dynamodb:Attributes and dynamodb:Select. A request no statement allows fails
// as AWS would fail it: AccessDeniedException, naming the function, the action, the table and the leading key.
// So a test that drives a function's code through its store with AsFunction proves the template lets that code
// run in AWS — a leading key the template forgot would otherwise be found by the first real request.
//
// Not evaluated: policy templates of SAM (SQSSendMessagePolicy…: no DynamoDB in them), Deny statements (none),
// resource policies; a request without AsFunction's context is not checked (the tests' own seeding).

type functionKey struct{}

// AsFunction marks ctx: DynamoDB requests made with it are checked against the IAM statements of the function
// with that logical ID in template.yaml.
func AsFunction(ctx context.Context, logicalID string) context.Context {
	return context.WithValue(ctx, functionKey{}, logicalID)
}

// iamStatement is one Allow statement of a role, as far as DynamoDB is concerned.
type iamStatement struct {
	Sid        string
	Actions    []string
	Resources  []iamResource
	Conditions map[string]map[string][]string // operator -> key -> values
}

// iamResource is a table (Index "") or one of its indexes ("*" for any).
type iamResource struct{ Table, Index string }

var (
	policiesOnce sync.Once
	policies     map[string][]iamStatement
	policiesErr  error
)

func rolePolicies() (map[string][]iamStatement, error) {
	policiesOnce.Do(func() {
		data, err := os.ReadFile(filepath.Join(root, "template.yaml"))
		if err != nil {
			policiesErr = err
			return
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			policiesErr = err
			return
		}
		policies, policiesErr = parsePolicies(doc.Content[0])
	})
	return policies, policiesErr
}

func yamlChild(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

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
func parsePolicies(tpl *yaml.Node) (map[string][]iamStatement, error) {
	resources := yamlChild(tpl, "Resources")
	out := map[string][]iamStatement{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, res := resources.Content[i].Value, resources.Content[i+1]
		if v := yamlChild(res, "Type"); v == nil || v.Value != "AWS::Serverless::Function" {
			continue
		}
		props := yamlChild(res, "Properties")
		var statements []*yaml.Node
		for _, p := range yamlList(yamlChild(props, "Policies")) {
			statements = append(statements, yamlList(yamlChild(p, "Statement"))...)
		}
		if role := yamlChild(props, "Role"); role != nil {
			if role.Tag != "!GetAtt" || !strings.HasSuffix(role.Value, ".Arn") {
				return nil, fmt.Errorf("%s: Role %q is not read (want !GetAtt <role>.Arn)", id, role.Value)
			}
			r := yamlChild(resources, strings.TrimSuffix(role.Value, ".Arn"))
			for _, p := range yamlList(yamlChild(yamlChild(r, "Properties"), "Policies")) {
				statements = append(statements, yamlList(yamlChild(yamlChild(p, "PolicyDocument"), "Statement"))...)
			}
		}
		for _, s := range statements {
			if e := yamlChild(s, "Effect"); e == nil || e.Value != "Allow" {
				return nil, fmt.Errorf("%s: a statement that is not Allow is not evaluated", id)
			}
			st := iamStatement{Conditions: map[string]map[string][]string{}}
			if sid := yamlChild(s, "Sid"); sid != nil {
				st.Sid = sid.Value
			}
			for _, a := range yamlList(yamlChild(s, "Action")) {
				if strings.HasPrefix(a.Value, "dynamodb:") {
					st.Actions = append(st.Actions, a.Value)
				}
			}
			if len(st.Actions) == 0 {
				continue
			}
			for _, r := range yamlList(yamlChild(s, "Resource")) {
				switch {
				case r.Tag == "!GetAtt" && strings.HasSuffix(r.Value, ".StreamArn"), r.Value == "*":
					// a stream's reads (or ListStreams): no table request of the code's
				case r.Tag == "!GetAtt" && strings.HasSuffix(r.Value, ".Arn"):
					st.Resources = append(st.Resources, iamResource{Table: strings.TrimSuffix(r.Value, ".Arn")})
				case r.Tag == "!Sub":
					m := regexp.MustCompile(`^\$\{(\w+)\.Arn\}/index/(.+)$`).FindStringSubmatch(r.Value)
					if m == nil {
						return nil, fmt.Errorf("%s/%s: resource %q is not read", id, st.Sid, r.Value)
					}
					st.Resources = append(st.Resources, iamResource{Table: m[1], Index: m[2]})
				default:
					return nil, fmt.Errorf("%s/%s: resource %s %q is not read", id, st.Sid, r.Tag, r.Value)
				}
			}
			if c := yamlChild(s, "Condition"); c != nil {
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

// iamRequest is one action IAM authorises for a DynamoDB request.
type iamRequest struct {
	Action      string
	Table       string // logical ID
	Index       string
	LeadingKeys []string
	Attributes  []string // read (a projection) or nil
	Select      string
	projected   bool
}

func (r iamRequest) String() string {
	on := r.Table
	if r.Index != "" {
		on += "/index/" + r.Index
	}
	return fmt.Sprintf("%s on %s, leading keys %q", r.Action, on, r.LeadingKeys)
}

// allows reports whether s allows r.
func (s iamStatement) allows(r iamRequest) bool {
	if !slices.Contains(s.Actions, r.Action) {
		return false
	}
	if !slices.ContainsFunc(s.Resources, func(res iamResource) bool { return res.Table == r.Table && res.Index == r.Index }) {
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

// tableID is the logical ID of a table Tables named (<prefix>-<LogicalID>).
func tableID(name string) string { return name[strings.LastIndex(name, "-")+1:] }

// hashKey is the partition key attribute of a table or of one of its indexes.
func hashKey(table, index string) string {
	for _, t := range template.Tables {
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

func itemKey(table string, item map[string]types.AttributeValue) []string {
	if v, ok := item[hashKey(tableID(table), "")]; ok {
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

// iamRequests are the authorisations IAM checks for one DynamoDB operation's input.
func iamRequests(in any) []iamRequest {
	one := func(action string, table *string, item map[string]types.AttributeValue) iamRequest {
		return iamRequest{Action: action, Table: tableID(*table), LeadingKeys: itemKey(*table, item)}
	}
	switch in := in.(type) {
	case *dynamodb.GetItemInput:
		r := one("dynamodb:GetItem", in.TableName, in.Key)
		r.Attributes, r.projected = projection(in.ProjectionExpression, in.ExpressionAttributeNames)
		return []iamRequest{r}
	case *dynamodb.PutItemInput:
		return []iamRequest{one("dynamodb:PutItem", in.TableName, in.Item)}
	case *dynamodb.UpdateItemInput:
		return []iamRequest{one("dynamodb:UpdateItem", in.TableName, in.Key)}
	case *dynamodb.DeleteItemInput:
		return []iamRequest{one("dynamodb:DeleteItem", in.TableName, in.Key)}
	case *dynamodb.QueryInput:
		r := iamRequest{Action: "dynamodb:Query", Table: tableID(*in.TableName), Select: string(in.Select)}
		if in.IndexName != nil {
			r.Index = *in.IndexName
		}
		if in.KeyConditionExpression != nil {
			hash := hashKey(r.Table, r.Index)
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
		return []iamRequest{r}
	case *dynamodb.BatchGetItemInput:
		var out []iamRequest
		for table, ka := range in.RequestItems {
			r := iamRequest{Action: "dynamodb:BatchGetItem", Table: tableID(table)}
			for _, k := range ka.Keys {
				r.LeadingKeys = append(r.LeadingKeys, itemKey(table, k)...)
			}
			r.Attributes, r.projected = projection(ka.ProjectionExpression, ka.ExpressionAttributeNames)
			out = append(out, r)
		}
		return out
	case *dynamodb.BatchWriteItemInput:
		var out []iamRequest
		for table, ws := range in.RequestItems {
			r := iamRequest{Action: "dynamodb:BatchWriteItem", Table: tableID(table)}
			for _, w := range ws {
				switch {
				case w.PutRequest != nil:
					r.LeadingKeys = append(r.LeadingKeys, itemKey(table, w.PutRequest.Item)...)
				case w.DeleteRequest != nil:
					r.LeadingKeys = append(r.LeadingKeys, itemKey(table, w.DeleteRequest.Key)...)
				}
			}
			out = append(out, r)
		}
		return out
	case *dynamodb.TransactWriteItemsInput:
		var out []iamRequest
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
		var out []iamRequest
		for _, it := range in.TransactItems {
			r := one("dynamodb:GetItem", it.Get.TableName, it.Get.Key)
			r.Attributes, r.projected = projection(it.Get.ProjectionExpression, it.Get.ExpressionAttributeNames)
			out = append(out, r)
		}
		return out
	}
	return []iamRequest{{Action: fmt.Sprintf("dynamodb:%T (not emulated)", in)}}
}

// AccessDenied is the error of a request the function's role does not allow.
type AccessDenied struct {
	Function string
	Request  string
}

func (e *AccessDenied) Error() string {
	return fmt.Sprintf("AccessDeniedException (template.yaml's IAM, emulated): %s may not %s", e.Function, e.Request)
}

// authorize checks in against the role of the function ctx names (none: not checked).
func authorize(ctx context.Context, in any) error {
	fn, ok := ctx.Value(functionKey{}).(string)
	if !ok {
		return nil
	}
	all, err := rolePolicies()
	if err != nil {
		return err
	}
	statements, ok := all[fn]
	if !ok {
		return fmt.Errorf("testenv.AsFunction: no function %s with DynamoDB statements in template.yaml", fn)
	}
	for _, r := range iamRequests(in) {
		if !slices.ContainsFunc(statements, func(s iamStatement) bool { return s.allows(r) }) {
			return &AccessDenied{Function: fn, Request: r.String()}
		}
	}
	return nil
}

// withIAM adds the check to a client's operations.
func withIAM(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("testenvIAM",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if err := authorize(ctx, in.Parameters); err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}
