package demo

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"testing"
)

// A seed always makes the same people, all different, with addresses an email field accepts; another seed
// makes others.
func TestPeopleFromSeed(t *testing.T) {
	gen := func(seed uint64) []person { return people(rand.New(rand.NewPCG(seed, 1)), 40) }
	a, b, c := gen(1), gen(1), gen(2)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed made other people")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("another seed made the same people")
	}
	addr := regexp.MustCompile(`^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*@[a-z]+(-[a-z]+)*\.fr$`)
	seen := map[string]bool{}
	for _, p := range a {
		if !addr.MatchString(p.Email) || seen[p.Email] || seen[p.Company] {
			t.Errorf("%+v: a bad or repeated address or company", p)
		}
		seen[p.Email], seen[p.Company] = true, true
	}
}
