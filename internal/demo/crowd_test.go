package demo

import "testing"

// TestCrowdAddressesAreDistinct: make soak's 5,000 people each have their own address (the leads are found by
// it): with the company's number only in the name, 5,000 people shared addresses and merged into fewer leads.
func TestCrowdAddressesAreDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, p := range Crowd(1, 5000) {
		if other, ok := seen[p.Email]; ok {
			t.Fatalf("%s and %s share the address %s", other, p.Company, p.Email)
		}
		seen[p.Email] = p.Company
	}
}
