//go:build !race

package grants_test

import (
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/rta"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

const (
	module       = "github.com/handoff-sla/handoff"
	dynamodbPkg  = "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamoTypes  = "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	sesv2Pkg     = "github.com/aws/aws-sdk-go-v2/service/sesv2"
	sdkServices  = "github.com/aws/aws-sdk-go-v2/service/"
	secretsPkg   = module + "/internal/secrets"
	storePkg     = module + "/internal/store"
	emailPkg     = module + "/internal/email"
	ingestPkg    = module + "/internal/ingest"
	contractPkg  = module + "/internal/contract"
	functionsDir = module + "/functions/"
)

// usage is what one function's code can do with AWS, derived from its call graph.
type usage struct {
	Actions map[string]bool // IAM actions: dynamodb:GetItem, ses:SendRawEmail, ssm:GetParameter…
	Tables  map[string]bool // the store.Tables fields its code reads (Leads, Activities, Deliveries, SLA)
	Secrets map[string]bool // what its secrets are: "sources" (ingest.SecretRefs), "feedback-links" (Notify.LinkSecret)
	// Services are the IAM prefixes of the SDK clients its code calls besides DynamoDB's and SES's (sqs, sns…).
	Services map[string]bool
	Why      map[string]string
}

func (u usage) add(action, why string) {
	if !u.Actions[action] {
		u.Actions[action] = true
		u.Why[action] = why
	}
}

// root is the module's directory (where go.mod is).
func root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// derive builds SSA once for every functions/<name> main (as sam build builds them: linux/arm64, lambda.norpc)
// and returns each function's usage, by directory name.
func derive(t testing.TB) map[string]usage {
	t.Helper()
	cfg := &packages.Config{
		Mode:       packages.LoadAllSyntax,
		Dir:        root(t),
		Env:        append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"),
		BuildFlags: []string{"-tags", "lambda.norpc"},
	}
	pkgs, err := packages.Load(cfg, "./functions/...")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("the functions do not load")
	}
	prog, ssaPkgs := ssautil.AllPackages(pkgs, ssa.InstantiateGenerics)
	prog.Build()
	out := map[string]usage{}
	for _, p := range ssaPkgs {
		if p == nil || p.Pkg.Name() != "main" || !strings.HasPrefix(p.Pkg.Path(), functionsDir) {
			continue
		}
		out[strings.TrimPrefix(p.Pkg.Path(), functionsDir)] = analyse(p, reachable(callGraph(roots(p)), roots(p)))
	}
	return out
}

// callGraph is one function's call graph: RTA finds what its roots reach, VTA refines the dynamic calls by the
// values that can flow to them — RTA alone lets a call of any func() (sync.Once.Do's, say) reach every func()
// whose address is taken, such as a goroutine's body. One graph a function, not one for all: VTA on the union
// lets a port's implementations in one function flow into another's.
func callGraph(roots []*ssa.Function) *callgraph.Graph {
	res := rta.Analyze(roots, true)
	funcs := map[*ssa.Function]bool{}
	for f := range res.Reachable {
		funcs[f] = true
	}
	return vta.CallGraph(funcs, res.CallGraph)
}

// roots are where a function's code starts: its main package's main and init, and the handler main hands to
// lambda.Start (which aws-lambda-go calls through reflection).
func roots(main *ssa.Package) []*ssa.Function {
	return append([]*ssa.Function{main.Func("main"), main.Func("init")}, handlers(main.Func("main"))...)
}

// reachable is what the call graph reaches from roots, less what only reflection reaches: (reflect.Value).Call may
// reach every address-taken function (html/template executes through it), which would make every method value
// the store holds (store.client) look called. Templates call the methods of the values they render and their
// FuncMap's functions: none of them calls AWS.
func reachable(graph *callgraph.Graph, roots []*ssa.Function) map[*ssa.Function]bool {
	seen := map[*ssa.Function]bool{}
	var queue []*callgraph.Node
	for _, r := range roots {
		if n := graph.Nodes[r]; n != nil && !seen[r] {
			seen[r] = true
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n.Func.Pkg != nil && n.Func.Pkg.Pkg.Path() == "reflect" {
			continue
		}
		for _, e := range n.Out {
			if !seen[e.Callee.Func] {
				seen[e.Callee.Func] = true
				queue = append(queue, e.Callee)
			}
		}
	}
	return seen
}

// handlers are the functions main hands to lambda.Start, which aws-lambda-go calls through reflection.
func handlers(main *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, b := range main.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok || call.Call.StaticCallee() == nil || call.Call.StaticCallee().String() != "github.com/aws/aws-lambda-go/lambda.Start" {
				continue
			}
			v := call.Call.Args[0]
			if mi, ok := v.(*ssa.MakeInterface); ok {
				v = mi.X
			}
			switch h := v.(type) {
			case *ssa.Function:
				out = append(out, h)
			case *ssa.MakeClosure:
				out = append(out, h.Fn.(*ssa.Function))
			case *ssa.Call: // a handler a function returns (feedback.Router, deadlines' HandleWith): it and its closures
				if f := h.Call.StaticCallee(); f != nil {
					out = append(out, f)
					out = append(out, anonymous(f)...)
				}
			default:
				panic(fmt.Sprintf("%s: lambda.Start(%T %v): unknown handler shape", main.Pkg.Pkg.Path(), v, v))
			}
		}
	}
	if len(out) == 0 {
		panic(main.Pkg.Pkg.Path() + ": no lambda.Start")
	}
	return out
}

// anonymous is every function literal inside f, at any depth.
func anonymous(f *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, a := range f.AnonFuncs {
		out = append(out, a)
		out = append(out, anonymous(a)...)
	}
	return out
}

// named is the package path and name of t's named type, under pointers.
func named(t types.Type) (string, string) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return n.Obj().Pkg().Path(), n.Obj().Name()
	}
	return "", ""
}

// field is the struct type (package, name) and field name a FieldAddr or Field instruction touches.
func field(instr ssa.Instruction) (pkg, typ, name string, ok bool) {
	var x ssa.Value
	var i int
	switch f := instr.(type) {
	case *ssa.FieldAddr:
		x, i = f.X, f.Field
	case *ssa.Field:
		x, i = f.X, f.Field
	default:
		return "", "", "", false
	}
	st := x.Type()
	if p, isPtr := st.Underlying().(*types.Pointer); isPtr {
		st = p.Elem()
	}
	s, isStruct := st.Underlying().(*types.Struct)
	if !isStruct {
		return "", "", "", false
	}
	pkg, typ = named(st)
	return pkg, typ, s.Field(i).Name(), true
}

// onlyWritten reports a field address used only to store into (a composite literal, an assignment).
func onlyWritten(v *ssa.FieldAddr) bool {
	refs := v.Referrers()
	if refs == nil || len(*refs) == 0 {
		return false
	}
	for _, r := range *refs {
		if st, ok := r.(*ssa.Store); !ok || st.Addr != v {
			return false
		}
	}
	return true
}

// The DynamoDB write a transaction's item or a batch's request carries: IAM authorises TransactWriteItems through
// the item-level actions (there is no TransactWriteItems action), so the actions are the kinds of items the code
// builds.
var transactItem = map[string]string{"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem", "Delete": "dynamodb:DeleteItem",
	"ConditionCheck": "dynamodb:ConditionCheckItem"}

// iamPrefix is a service's IAM prefix where it is not its SDK package's name.
var iamPrefix = map[string]string{"sesv2": "ses", "dynamodbstreams": "dynamodb", "cloudwatchlogs": "logs", "eventbridge": "events"}

// operation reports a client method that is an API operation, (ctx, *XInput, ...func(*Options)), not Options().
func operation(fn *ssa.Function) bool {
	p := fn.Signature.Params()
	return fn.Signature.Variadic() && p.Len() == 3 && strings.HasSuffix(p.At(1).Type().String(), "Input")
}

// tableFields are store.Tables' table names (the others are the contract's zone and retention).
var tableFields = map[string]bool{"Leads": true, "Activities": true, "Deliveries": true, "SLA": true}

func analyse(main *ssa.Package, fns map[*ssa.Function]bool) usage {
	u := usage{Actions: map[string]bool{}, Tables: map[string]bool{}, Secrets: map[string]bool{}, Services: map[string]bool{}, Why: map[string]string{}}
	var sendEmail, transactWrite, raw bool
	built := map[string]bool{} // TransactWriteItem fields the code fills
	for fn := range fns {
		if recv := fn.Signature.Recv(); recv != nil && fn.Object() != nil && fn.Object().Exported() {
			switch pkg, typ := named(recv.Type()); {
			case pkg == dynamodbPkg && typ == "Client":
				switch fn.Name() {
				case "TransactWriteItems":
					transactWrite = true
				default:
					u.add("dynamodb:"+fn.Name(), "(*dynamodb.Client)."+fn.Name())
				}
			case pkg == sesv2Pkg && typ == "Client":
				if fn.Name() != "SendEmail" {
					u.add("ses:"+fn.Name(), "(*sesv2.Client)."+fn.Name())
				}
				sendEmail = true
			case strings.HasPrefix(pkg, sdkServices) && typ == "Client" && operation(fn):
				// Any other service's client (sqs, sns…): its operation is the IAM action of the same name, under the
				// service's prefix (the package's name, as IAM spells most of them).
				svc := strings.TrimPrefix(pkg, sdkServices)
				if prefix, ok := iamPrefix[svc]; ok {
					svc = prefix
				}
				u.add(svc+":"+fn.Name(), "(*"+strings.TrimPrefix(pkg, sdkServices)+".Client)."+fn.Name())
				u.Services[svc] = true
			}
		}
		if fn.Pkg != nil && fn.Pkg.Pkg.Path() == secretsPkg && fn.Signature.Recv() != nil {
			if _, typ := named(fn.Signature.Recv().Type()); typ == "jsonAPI" {
				switch fn.Name() {
				case "parameter":
					u.add("ssm:GetParameter", "secrets.jsonAPI.parameter")
				case "secret":
					u.add("secretsmanager:GetSecretValue", "secrets.jsonAPI.secret")
				}
			}
		}
		if fn.Pkg != nil && fn.Pkg.Pkg.Path() == ingestPkg && fn.Name() == "SecretRefs" {
			u.Secrets["sources"] = true
		}
		if fn.Pkg == nil || !strings.HasPrefix(fn.Pkg.Pkg.Path(), module+"/") {
			continue // what the SDK builds (its deserialisers fill every kind of item) says nothing of the code's requests
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				pkg, typ, name, ok := field(instr)
				if !ok {
					continue
				}
				fa, isAddr := instr.(*ssa.FieldAddr)
				written := isAddr && onlyWritten(fa)
				switch {
				case pkg == dynamoTypes && typ == "TransactWriteItem" && written:
					built[name] = true
				case pkg == emailPkg && typ == "Message" && (name == "Inline" || name == "Attachments") && written:
					raw = true
				case pkg == storePkg && typ == "Tables" && tableFields[name] && !written:
					u.Tables[name] = true
				case pkg == contractPkg && name == "LinkSecret" && !written && fn.Pkg == main:
					u.Secrets["feedback-links"] = true
				}
			}
		}
	}
	if transactWrite {
		for f, action := range transactItem {
			if built[f] {
				u.add(action, "(*dynamodb.Client).TransactWriteItems with a TransactWriteItem."+f)
			}
		}
	}
	if sendEmail {
		// ses.Send sends a message with inline parts or attachments as Content.Raw (IAM: ses:SendRawEmail), one
		// without as Content.Simple (ses:SendEmail). Simple is always possible; raw only if some reachable code
		// gives a message inline parts or attachments.
		u.add("ses:SendEmail", "(*sesv2.Client).SendEmail, Content.Simple")
		if raw {
			u.add("ses:SendRawEmail", "(*sesv2.Client).SendEmail, Content.Raw: reachable code fills email.Message.Inline or Attachments")
		}
	}
	return u
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
