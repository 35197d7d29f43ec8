module github.com/handoff-sla/handoff

go 1.26.8

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/rickar/cal/v2 v2.1.13 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
