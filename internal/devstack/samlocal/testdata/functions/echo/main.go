// Function echo answers with the API Gateway event it received, so tests can check its shape.
package main

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		switch ev.RawPath {
		case "/sleep":
			time.Sleep(5 * time.Second)
		case "/echo/nap":
			time.Sleep(time.Second)
		}
		body, _ := json.Marshal(map[string]any{"event": ev, "stage": os.Getenv("STAGE"), "seen": os.Getenv("SEEN_TABLE")})
		return events.APIGatewayV2HTTPResponse{
			StatusCode: 201,
			Headers:    map[string]string{"Content-Type": "application/json", "X-Echo": "yes"},
			Cookies:    []string{"session=abc; HttpOnly"},
			Body:       string(body),
		}, nil
	})
}
