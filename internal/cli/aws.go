package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/handoff-sla/handoff/internal/contract"
)

// dynamoDB builds the client the commands read the tables with: AWS's usual configuration (profile, region,
// credentials), or, given an endpoint (the one `make run` prints), DynamoDB Local, which takes any credentials.
func dynamoDB(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	if endpoint != "" {
		return dynamodb.New(dynamodb.Options{
			Region: "eu-west-3", BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
			// DynamoDB Local's error answers carry no CRC32; validating them only logs noise.
			DisableValidateResponseChecksum: true,
		}), nil
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg), nil
}

// contractAndDB loads the contract a command judges by and the DynamoDB client it reads with (DynamoDB Local at
// endpoint, else AWS): the start of every command that reads the tables. ok false: the problem is on stderr, and
// code is the exit code.
func contractAndDB(file, endpoint string, stderr io.Writer) (c *contract.Contract, db *dynamodb.Client, code int, ok bool) {
	c, err := contract.Load(file)
	if err != nil {
		return nil, nil, reportLoadError(file, err, stderr), false
	}
	if db, err = dynamoDB(context.Background(), endpoint); err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, 1, false
	}
	return c, db, 0, true
}
