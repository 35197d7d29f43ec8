// Package grants holds the test that compares each function's IAM grants in template.yaml with the AWS
// operations its code can call (grants_test.go).
package grants
