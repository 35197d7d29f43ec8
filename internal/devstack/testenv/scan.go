package testenv

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Occurrences scans every item of the tables and of each of their indexes for the values, compared without
// case, in every attribute at any depth (strings, sets, lists, maps, binary): each hit as
// "table[/index] pk/sk attribute". What an erasure must leave none of. A report's figures are a gzip part split in
// 300 KB items: a value spanning two parts would be missed (the tests' reports fit one).
func Occurrences(t testing.TB, db *dynamodb.Client, tables []string, values ...string) []string {
	t.Helper()
	var hits []string
	for _, table := range tables {
		desc, err := db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			t.Fatalf("describe %s: %v", table, err)
		}
		indexes := []string{""}
		for _, gsi := range desc.Table.GlobalSecondaryIndexes {
			indexes = append(indexes, aws.ToString(gsi.IndexName))
		}
		for _, index := range indexes {
			in := &dynamodb.ScanInput{TableName: aws.String(table)}
			where := table
			if index != "" {
				in.IndexName, where = aws.String(index), table+"/"+index
			} else {
				in.ConsistentRead = aws.Bool(true)
			}
			p := dynamodb.NewScanPaginator(db, in)
			for p.HasMorePages() {
				page, err := p.NextPage(context.Background())
				if err != nil {
					t.Fatalf("scan %s: %v", where, err)
				}
				for _, item := range page.Items {
					at := where + " " + Attr(item, "pk") + "/" + Attr(item, "sk")
					for name, v := range item {
						for _, s := range texts(v) {
							for _, want := range values {
								if want != "" && strings.Contains(strings.ToLower(s), strings.ToLower(want)) {
									hits = append(hits, fmt.Sprintf("%s %s holds %q", at, name, want))
								}
							}
						}
					}
				}
			}
		}
	}
	sort.Strings(hits)
	return hits
}

// texts is every text an attribute value holds, at any depth.
func texts(v types.AttributeValue) []string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return []string{v.Value}
	case *types.AttributeValueMemberSS:
		return v.Value
	case *types.AttributeValueMemberB:
		// Gzip (the reports' figures) is read through: a name in compressed figures is still a name.
		if len(v.Value) > 2 && v.Value[0] == 0x1f && v.Value[1] == 0x8b {
			if zr, err := gzip.NewReader(bytes.NewReader(v.Value)); err == nil {
				if b, err := io.ReadAll(zr); err == nil {
					return []string{string(b)}
				}
			}
		}
		return []string{string(v.Value)}
	case *types.AttributeValueMemberL:
		var out []string
		for _, e := range v.Value {
			out = append(out, texts(e)...)
		}
		return out
	case *types.AttributeValueMemberM:
		var out []string
		for k, e := range v.Value {
			out = append(append(out, k), texts(e)...)
		}
		return out
	}
	return nil
}
