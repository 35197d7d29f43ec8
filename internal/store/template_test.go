package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/store"
)

func template(t *testing.T) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(testenv.Root() + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// statement is the policy statement of a function with that Sid.
func statement(t *testing.T, function, sid string) *yaml.Node {
	t.Helper()
	policies := samtemplate.Child(samtemplate.Child(samtemplate.Child(samtemplate.Child(template(t), "Resources"), function), "Properties"), "Policies")
	if policies == nil {
		t.Fatalf("%s has no policies", function)
	}
	for _, p := range policies.Content {
		if st := samtemplate.Child(p, "Statement"); st != nil {
			for _, s := range st.Content {
				if samtemplate.Child(s, "Sid").Value == sid {
					return s
				}
			}
		}
	}
	t.Fatalf("%s has no statement %s", function, sid)
	return nil
}

func values(n *yaml.Node) []string {
	var out []string
	if n != nil {
		for _, v := range n.Content {
			out = append(out, v.Value)
		}
	}
	return out
}

// TestFeedbackReadsOnlyTheLeadsName: the feedback function may read of a lead exactly the attributes the store's
// NameAndCompany projects: the two cannot drift apart (a page denied its read, or a role reading more).
func TestFeedbackReadsOnlyTheLeadsName(t *testing.T) {
	t.Parallel()
	st := statement(t, "FeedbackFunction", "TheLeadsNameOnly")
	if got := values(samtemplate.Child(samtemplate.Child(samtemplate.Child(st, "Condition"), "ForAllValues:StringEquals"), "dynamodb:Attributes")); !slices.Equal(got, store.NameAndCompanyAttributes) {
		t.Errorf("the template allows %v, the store reads %v", got, store.NameAndCompanyAttributes)
	}
	if got := samtemplate.Child(st, "Action").Value; got != "dynamodb:GetItem" {
		t.Errorf("action %q", got)
	}
}

// TestByMonthProjectsWhatTheReportReads: by-month projects exactly the attributes Months reads of each kind of
// record (besides the keys, which every index projects): one more would be a copy nobody reads, one fewer a
// report that reads nothing.
func TestByMonthProjectsWhatTheReportReads(t *testing.T) {
	t.Parallel()
	tpl, err := samtemplate.Load(testenv.Root() + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var index *samtemplate.Index
	for _, tb := range tpl.Tables {
		for i, idx := range tb.Indexes {
			if tb.LogicalID == "SlaTable" && idx.Name == "by-month" {
				index = &tb.Indexes[i]
			}
		}
	}
	if index == nil || index.Projection != "INCLUDE" {
		t.Fatalf("by-month: %+v", index)
	}
	keys := map[string]bool{"pk": true, "sk": true, "month": true, "monthSk": true}
	var read []string
	for _, attrs := range store.MonthAttributes {
		for _, a := range attrs {
			if !keys[a] {
				read = append(read, a)
			}
		}
	}
	slices.Sort(read)
	read = slices.Compact(read)
	projected := slices.Sorted(slices.Values(index.NonKeyAttributes))
	if !slices.Equal(projected, read) {
		t.Errorf("by-month projects %v; Months reads %v", projected, read)
	}
}

// TestIndexesHoldWhatTheyProject: DynamoDB Local builds the indexes as template.yaml declares them — a query of
// by-month returns no attribute it does not project (a hand-off's company and email state, a creation's UTM
// source, any expiry), while due-checks holds the hand-off whole (ALL), as the checker reads it.
func TestIndexesHoldWhatTheyProject(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("index@forges.fr", "thomas-martin")
	h.LeadCompany = "Forges du Nord"
	if _, err := f.handoffs.Claim(ctx, h, nil, at); err != nil {
		t.Fatal(err)
	}
	query := func(index, hash, hashValue string) []map[string]types.AttributeValue {
		t.Helper()
		out, err := f.db.Query(ctx, &dynamodb.QueryInput{TableName: &f.tables.SLA, IndexName: sdkaws.String(index),
			KeyConditionExpression:    sdkaws.String("#h = :v"),
			ExpressionAttributeNames:  map[string]string{"#h": hash},
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: hashValue}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Items
	}
	kinds := map[string]map[string]types.AttributeValue{}
	for n := range store.MonthShards {
		shard := "2026-11"
		if n > 0 {
			shard += "#" + strconv.Itoa(n)
		}
		for _, item := range query("by-month", "month", shard) {
			kinds[testenv.Attr(item, "kind")] = item
		}
	}
	for kind, want := range map[string]struct{ has, lacks []string }{
		"handoff": {has: []string{"leadId", "handoffAt", "assignments", "clocks", "repId"}, lacks: []string{"leadCompany", "mail", "version", "pending", "expiresAt", "dueAt"}},
		"lead":    {has: []string{"leadId", "at", "source"}, lacks: []string{"expiresAt"}},
	} {
		item := kinds[kind]
		if item == nil {
			t.Fatalf("by-month holds no %s record: %v", kind, kinds)
		}
		for _, a := range want.has {
			if item[a] == nil {
				t.Errorf("by-month's %s record lacks %s", kind, a)
			}
		}
		for _, a := range want.lacks {
			if item[a] != nil {
				t.Errorf("by-month's %s record holds %s, which it does not project", kind, a)
			}
		}
	}
	var due map[string]types.AttributeValue
	for b := 0; b < 10 && due == nil; b++ {
		for _, item := range query("due-checks", "dueBucket", fmt.Sprintf("DUE#%d", b)) {
			due = item
		}
	}
	if due == nil || testenv.Attr(due, "leadCompany") != "Forges du Nord" || due["mail"] == nil || due["expiresAt"] == nil {
		t.Errorf("due-checks holds %v; want the hand-off whole", due)
	}
}
