package words

// Routing is the words of an assignment's reason, which sales read in the SQL email: why this rep (package
// routing), and why the SQL came to them after another rep's breach (package deadlines).
type Routing struct {
	// Team is the team's label; Load the rep's count before and weight, when the team has several reps.
	Team, Load string
	// Away and Capacity name a rep passed over (Capacity with their open SQLs); Skipped introduces them.
	Away, Capacity, Skipped string
	// Owner is the reason of an SQL kept by the rep who owns the lead; Fallback that of the fallback rep.
	Owner, Fallback string
	// Reassigned is the reason of an SQL reassigned after a breach: whose, then the new rep's own reason.
	Reassigned string
}

var routingFR = Routing{
	Team: "%s, tour de rôle", Load: " (%d attribués avant, poids %d)",
	Away: "%s absent", Capacity: "%s au complet (%d en cours)", Skipped: " ; écartés : ",
	Owner: "déjà attribué à %s", Fallback: "repli : aucune équipe n'avait de commercial disponible",
	Reassigned: "réattribué après le dépassement du délai de %s : %s",
}

var routingEN = Routing{
	Team: "%s, round-robin", Load: " (%d assigned before, weight %d)",
	Away: "%s out of office", Capacity: "%s at capacity (%d open)", Skipped: "; skipped ",
	Owner: "already owned by %s", Fallback: "fallback: no team had a rep available",
	Reassigned: "reassigned after %s missed the deadline: %s",
}
