package testenv

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/devstack/localiam"
)

// IAM for DynamoDB in tests: a request made with a context from AsFunction is checked against the statements of
// that function's role in template.yaml (package localiam), and one they would not allow fails as AWS would fail
// it (AccessDeniedException, naming the function, the action, the table and the leading key). A test that drives
// a function's code with AsFunction proves the template lets that code run in AWS. A request without it (the
// tests' own seeding) is not checked.

type functionKey struct{}

// AsFunction marks ctx: DynamoDB requests made with it are checked against the IAM statements of the function
// with that logical ID in template.yaml.
func AsFunction(ctx context.Context, logicalID string) context.Context {
	return context.WithValue(ctx, functionKey{}, logicalID)
}

var (
	policiesOnce sync.Once
	policies     *localiam.Policies
	policiesErr  error
)

// tableID is the logical ID of a table Tables named (<prefix>-<LogicalID>).
func tableID(name string) string { return name[strings.LastIndex(name, "-")+1:] }

// authorize checks in against the role of the function ctx names (none: not checked).
func authorize(ctx context.Context, in any) error {
	fn, ok := ctx.Value(functionKey{}).(string)
	if !ok {
		return nil
	}
	policiesOnce.Do(func() {
		policies, policiesErr = localiam.New(template, tableID)
	})
	if policiesErr != nil {
		return policiesErr
	}
	return policies.Authorize(fn, policies.FromInput(in))
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
