package faults

// Choose draws one attempt's fault (for the rates test).
func Choose(i *Injector, service, op string) string { return i.choose(service, op) }
